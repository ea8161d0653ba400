package evaluate

import (
	"bytes"
	"strings"
	"testing"
)

// TestEvaluateTumourPattern: a maternal tumour's changes in the truth are
// not CNVs to find (recall counts the fetal one only), calls on them are
// neither matched nor false, and the genome-wide pattern (more than two
// aberrant autosomes in the summary) is counted apart for tumour-bearing
// samples and the others.
func TestEvaluateTumourPattern(t *testing.T) {
	truth := "sample\trole\tfetal_sex\tff\treads\tpaired\ttrisomy\tmosaic\tsca\tcnvs\ttwins\tbatch\n" +
		"tum\ttest\tfemale\t0.1\t4000000\t1\t\t1\t\tchr1:125000000-248000000:gain:tumour:0.08;chr8:46000000-145000000:gain:tumour:0.08;chr16:0-90000000:loss:tumour:0.08\t0\tFC1\n" +
		"eu\ttest\tfemale\t0.1\t4000000\t1\t\t1\t\t\t0\tFC1\n" +
		"cnv\ttest\tmale\t0.1\t4000000\t1\t\t1\t\tchr5:10000000-20000000:loss:fetal\t0\tFC1\n"
	sum := "sample\tqc_status\treads\tff\tff_low\tff_high\tz13\tz18\tz21\tzX\tcall13\tcall18\tcall21\tsca\trat\tcnvs\taberrant_autosomes\tno_call_reason\n" +
		"tum\twarn\t4000000\t0.1\t0.08\t0.12\t0.5\t0.1\t-0.2\t0\tlow_risk\tlow_risk\tlow_risk\tlow_risk\t\tchr1:130000000-240000000:gain:fetal;chr8:50000000-140000000:gain:uncertain;chr16:0-90000000:loss:fetal\tchr1;chr8;chr16\t\n" +
		"eu\tpass\t4000000\t0.1\t0.08\t0.12\t0.5\t0.1\t-0.2\t0\tlow_risk\tlow_risk\tlow_risk\tlow_risk\t\tchr3:1000000-5000000:gain:fetal\tchr3\t\n" +
		"cnv\tpass\t4000000\t0.1\t0.08\t0.12\t0.5\t0.1\t-0.2\t0\tlow_risk\tlow_risk\tlow_risk\tlow_risk\t\tchr5:10000000-20000000:loss:fetal\tchr5\t\n"
	rep := evaluateText(t, truth, sum)
	c := rep.CNV
	if c.Recall.K != 1 || c.Recall.N != 1 || c.OnTumour != 3 || c.FalseCalls.Events != 1 {
		t.Errorf("recall %d/%d, on tumour %d, false %d; want 1/1, 3, 1 (the euploid's chr3 call)",
			c.Recall.K, c.Recall.N, c.OnTumour, c.FalseCalls.Events)
	}
	p := rep.Pattern
	if !p.Evaluated || p.Tumour.K != 1 || p.Tumour.N != 1 || p.Others.K != 0 || p.Others.N != 2 {
		t.Errorf("pattern %+v", p)
	}
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "maternal malignancy pattern (changes on > 2 autosomes): tumour-bearing samples flagged 100.0% (2.5–100.0) 1/1; others flagged 0.0% (0.0–84.2) 0/2") {
		t.Errorf("text report:\n%s", b.String())
	}
	// Without the column the pattern is not evaluated.
	var noCol []string
	for _, line := range strings.Split(strings.TrimSuffix(sum, "\n"), "\n") {
		f := strings.Split(line, "\t")
		if f[16] != "aberrant_autosomes" && !strings.HasPrefix(f[16], "chr") {
			t.Fatalf("column 16 of %q is not aberrant_autosomes", line)
		}
		noCol = append(noCol, strings.Join(append(f[:16:16], f[17:]...), "\t"))
	}
	if p := evaluateText(t, truth, strings.Join(noCol, "\n")+"\n").Pattern; p.Evaluated || p.NotEvaluatedReason == "" {
		t.Errorf("summary without aberrant_autosomes: pattern %+v, want not evaluated with a reason", p)
	}
}
