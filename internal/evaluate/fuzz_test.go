package evaluate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The parsers must return an error, never panic, on any input; and what
// they accept must evaluate without panicking. The seed corpus (the test
// data, a few edge cases and the past failures kept in testdata/fuzz, such
// as a sample ID "#" that the summary then read as a comment) runs as a
// normal test.
func FuzzParseTruth(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "truth.tsv")); err == nil {
		f.Add(string(b))
	}
	f.Add(truthHeader + "A\ttest\tfemale\t0.1\t21\t0.5\t47,XXY\tchr1:1-9:gain:fetal;chr2:5-10:loss:maternal\t1\tb\n")
	f.Add("#sample\n\n#\n")
	f.Add("sample\tcnvs\nA\t;;:::\n")
	f.Fuzz(func(t *testing.T, in string) {
		truth, err := ParseTruth(strings.NewReader(in), "t.tsv")
		if err != nil {
			return
		}
		sum, err := ParseSummary(strings.NewReader("sample\tcall21\tcnvs\tsca\n"+firstSample(truth)+"\tlow_risk\tchr1:1-9:gain\thigh_risk\n"), "s.tsv")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = Evaluate(truth, sum, Options{AllowMissing: true})
	})
}

func firstSample(ts []Truth) string {
	if len(ts) == 0 {
		return "A"
	}
	return ts[0].Sample
}

func FuzzParseSummary(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "summary.tsv")); err == nil {
		f.Add(string(b))
	}
	f.Add("sample\trat\tz7\tzRAT\tcall16\nA\tT7;T16:no_call\t3\tNA\tno_call\n")
	f.Add("sample\tsca\tcnvs\nA\tXO\tchrX:1-2:loss:uncertain\n")
	f.Fuzz(func(t *testing.T, in string) {
		sum, err := ParseSummary(strings.NewReader(in), "s.tsv")
		if err != nil {
			return
		}
		truth := make([]Truth, len(sum.Samples))
		for i, c := range sum.Samples {
			truth[i] = Truth{Sample: c.Sample, Test: true, FF: 0.1, Mosaic: 0.5, Trisomy: 1 + i%22,
				CNVs: []CNV{{Chrom: "21", Start: 0, End: 100, Type: "gain", Origin: "maternal"}}}
		}
		rep, err := Evaluate(truth, sum, Options{})
		if err != nil {
			return
		}
		if err := rep.WriteText(&strings.Builder{}); err != nil {
			t.Fatal(err)
		}
	})
}
