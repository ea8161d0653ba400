package evaluate

import (
	"math"
	"strings"
	"testing"
)

const truthHeader = "sample\trole\tfetal_sex\tff\ttrisomy\tmosaic\tsca\tcnvs\ttwins\tbatch\n"

func TestParseTruthMalformed(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // substrings of the error
	}{
		{"empty", "", []string{"t.tsv", "no header"}},
		{"no header", "A\ttest\n", []string{"t.tsv line 1", "header line starting with \"sample\""}},
		{"missing sample column", "id\trole\n", []string{"t.tsv line 1", "header line"}},
		{"comma-separated", "sample,role,ff\nA,test,0.1\n", []string{"t.tsv line 1", "export it as tab-separated"}},
		{"field count", truthHeader + "A\ttest\tfemale\n", []string{"t.tsv line 2", "3 tab-separated fields", "10 columns"}},
		{"bad ff", truthHeader + "A\ttest\tfemale\tabc\t\t1\t\t\t0\tb\n", []string{"line 2 column ff", "not a number"}},
		{"percent ff", truthHeader + "A\ttest\tfemale\t8\t\t1\t\t\t0\tb\n", []string{"line 2 column ff", "0.08"}},
		{"bad percentage", truthHeader + "A\ttest\tfemale\t120%\t\t1\t\t\t0\tb\n", []string{"line 2 column ff", "percentage"}},
		{"bad role", truthHeader + "A\tcase\tfemale\t0.1\t\t1\t\t\t0\tb\n", []string{"line 2 column role", "reference, test"}},
		{"bad sex", truthHeader + "A\ttest\tboy\t0.1\t\t1\t\t\t0\tb\n", []string{"column fetal_sex"}},
		{"trisomy X", truthHeader + "A\ttest\tfemale\t0.1\tX\t1\t\t\t0\tb\n", []string{"column trisomy", "sca column"}},
		{"trisomy 23", truthHeader + "A\ttest\tfemale\t0.1\t23\t1\t\t\t0\tb\n", []string{"column trisomy"}},
		{"mosaic 0", truthHeader + "A\ttest\tfemale\t0.1\t21\t0\t\t\t0\tb\n", []string{"column mosaic", "(0, 1]"}},
		{"mosaic 1.5", truthHeader + "A\ttest\tfemale\t0.1\t21\t1.5\t\t\t0\tb\n", []string{"column mosaic"}},
		{"bad sca", truthHeader + "A\ttest\tfemale\t0.1\t\t1\t48,XXXY\t\t0\tb\n", []string{"column sca", "47,XXY"}},
		{"bad cnv", truthHeader + "A\ttest\tfemale\t0.1\t\t1\t\tchr5:1-2:loss\t0\tb\n", []string{"line 2 column cnvs", "origin missing"}},
		{"bad twins", truthHeader + "A\ttest\tfemale\t0.1\t\t1\t\t\t2\tb\n", []string{"column twins"}},
		{"duplicate sample", truthHeader + "A\ttest\tfemale\t0.1\t\t1\t\t\t0\tb\nA\ttest\tmale\t0.1\t\t1\t\t\t0\tb\n", []string{"line 3 column sample", "line 2"}},
		{"comment-like sample", truthHeader + " #1\ttest\tfemale\t0.1\t\t1\t\t\t0\tb\n", []string{"column sample", "starts with '#'"}},
		{"empty sample", truthHeader + "\ttest\tfemale\t0.1\t\t1\t\t\t0\tb\n", []string{"column sample", "empty"}},
		{"duplicate column", "sample\tff\tff\n", []string{"appears twice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTruth(strings.NewReader(tt.in), "t.tsv")
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestParseTruthTolerant(t *testing.T) {
	// A spreadsheet's byte-order mark, '#'-prefixed header, comments, CRLF
	// line ends, an unknown column, no role/mosaic/twins columns, "chr21"
	// and "T18" spellings.
	in := "\ufeff## written by hand\r\n#sample\tff\tfetal_sex\ttrisomy\tfavourite_colour\r\n" +
		"A\t0.1\tF\tchr21\tblue\r\n# a comment\r\n\r\nB\tNA\tmale\tT18\tred\r\nC\t5%\t\t\t\r\n"
	got, err := ParseTruth(strings.NewReader(in), "t.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d rows, want 3", len(got))
	}
	a, b, c := got[0], got[1], got[2]
	if !a.Test || a.FF != 0.1 || a.FetalSex != "female" || a.Trisomy != 21 || a.Mosaic != 1 || a.Twins {
		t.Errorf("row A = %+v", a)
	}
	if !math.IsNaN(b.FF) || b.FetalSex != "male" || b.Trisomy != 18 || b.Line != 6 {
		t.Errorf("row B = %+v", b)
	}
	if c.FetalSex != "" || c.Trisomy != 0 || c.IsMosaic() || c.FF != 0.05 {
		t.Errorf("row C = %+v", c)
	}
}

const summaryHeader = "sample\tqc_status\tff\tff_low\tff_high\tz13\tz18\tz21\tzX\tcall13\tcall18\tcall21\tsca\tcnvs\tno_call_reason\n"

func TestParseSummaryMalformed(t *testing.T) {
	row := func(s string) string { return summaryHeader + s + "\n" }
	tests := []struct {
		name, in string
		want     []string
	}{
		{"no rows", summaryHeader, []string{"s.tsv", "no sample rows"}},
		{"bad call", row("A\tpass\t0.1\t0.08\t0.12\t0\t0\t0\t0\tmaybe\tlow_risk\tlow_risk\tlow_risk\t\t"), []string{"s.tsv line 2 column call13", "high_risk, low_risk"}},
		{"bad qc", row("A\tok?\t0.1\t0.08\t0.12\t0\t0\t0\t0\tlow_risk\tlow_risk\tlow_risk\tlow_risk\t\t"), []string{"column qc_status"}},
		{"bad z", row("A\tpass\t0.1\t0.08\t0.12\t0\tx\t0\t0\tlow_risk\tlow_risk\tlow_risk\tlow_risk\t\t"), []string{"line 2 column z18", "not a number"}},
		{"percent ff", row("A\tpass\t10\t8\t12\t0\t0\t0\t0\tlow_risk\tlow_risk\tlow_risk\tlow_risk\t\t"), []string{"column ff", "0.08"}},
		{"infinite z", row("A\tpass\t0.1\t0.08\t0.12\t0\t0\tInf\t0\tlow_risk\tlow_risk\tlow_risk\tlow_risk\t\t"), []string{"column z21"}},
		{"bad sca", row("A\tpass\t0.1\t0.08\t0.12\t0\t0\t0\t0\tlow_risk\tlow_risk\tlow_risk\tmaybe\t\t"), []string{"column sca"}},
		{"bad cnv", row("A\tpass\t0.1\t0.08\t0.12\t0\t0\t0\t0\tlow_risk\tlow_risk\tlow_risk\tlow_risk\tchr5:9-3:gain\t"), []string{"column cnvs", "not after start"}},
		{"short row", row("A\tpass\t0.1"), []string{"line 2", "3 tab-separated fields"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSummary(strings.NewReader(tt.in), "s.tsv")
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestParseSummaryRAT(t *testing.T) {
	in := "sample\tcall21\tz16\trat\tzRAT\n" +
		"A\tlow_risk\t5.5\tT16\t5.5\n" +
		"B\tlow_risk\tNA\tT7;T16:no_call\t1\n" +
		"C\tlow_risk\t0\tno_call\t0\n" +
		"D\tlow_risk\t0\t\t0\n" +
		"E\tlow_risk\t0\tNA\t0\n" +
		"F\tlow_risk\t0\tnone\t0\n"
	s, err := ParseSummary(strings.NewReader(in), "s.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if !s.HasRAT || !s.HasZRAT || len(s.ZChroms) != 1 || s.ZChroms[0] != 16 || len(s.CallChroms) != 20 {
		t.Fatalf("columns: %+v", s)
	}
	want := []map[int]Call{
		{16: HighRisk, 7: LowRisk, 21: LowRisk},
		{16: NoCall, 7: HighRisk, 1: LowRisk},
		{16: NoCall, 7: NoCall},
		{16: LowRisk, 2: LowRisk},
		{21: LowRisk},
		{16: LowRisk, 7: LowRisk},
	}
	for i, w := range want {
		for chrom, call := range w {
			if got := s.Samples[i].Calls[chrom]; got != call {
				t.Errorf("row %d chr%d: %q, want %q", i, chrom, got, call)
			}
		}
	}
	if _, ok := s.Samples[4].Calls[16]; ok {
		t.Error("rat NA should leave rare autosomes unreported")
	}
	bad := []string{"sample\trat\nA\tT21\n", "sample\trat\nA\thigh_risk\n", "sample\trat\nA\tT16:maybe\n"}
	for _, b := range bad {
		if _, err := ParseSummary(strings.NewReader(b), "s.tsv"); err == nil || !strings.Contains(err.Error(), "column rat") {
			t.Errorf("%q: error %v, want one naming column rat", b, err)
		}
	}
}

func TestParseSummarySCA(t *testing.T) {
	in := "sample\tsca\nA\t47,XXY\nB\tXO\nC\thigh_risk\nD\tdetected\nE\t46,XX\nF\tNA\nG\tno_call\n"
	s, err := ParseSummary(strings.NewReader(in), "s.tsv")
	if err != nil {
		t.Fatal(err)
	}
	want := []SCACall{{HighRisk, "47,XXY"}, {HighRisk, "45,X"}, {HighRisk, ""}, {HighRisk, ""}, {LowRisk, ""}, {NotReported, ""}, {NoCall, ""}}
	for i, w := range want {
		if s.Samples[i].SCA != w {
			t.Errorf("row %d: %+v, want %+v", i, s.Samples[i].SCA, w)
		}
	}
}
