package evaluate

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// TestEvaluateByRun: the per-run split counts each run's samples and
// no-calls and averages each chromosome's z over the run's samples
// without a change of it (no trisomy of it, no CNV on it, a result).
func TestEvaluateByRun(t *testing.T) {
	truth := "sample\trole\tfetal_sex\tff\treads\tpaired\ttrisomy\tmosaic\tsca\tcnvs\ttwins\tbatch\n" +
		"a\ttest\tfemale\t0.1\t4000000\t1\t\t1\t\t\t0\tFC1\n" +
		"b\ttest\tmale\t0.1\t4000000\t1\t\t1\t\tchr13:10000000-20000000:gain:fetal\t0\tFC1\n" +
		"c\ttest\tfemale\t0.1\t4000000\t1\t21\t1\t\t\t0\tFC1\n" +
		"d\ttest\tfemale\t0.1\t4000000\t1\t\t1\t\t\t0\tFC2\n" +
		"e\ttest\tmale\t0.1\t4000000\t1\t\t1\t\t\t0\tFC2\n"
	sum := "sample\tqc_status\treads\tff\tff_low\tff_high\tz13\tz18\tz21\tzX\tcall13\tcall18\tcall21\tsca\trat\tcnvs\tno_call_reason\n" +
		"a\tpass\t4000000\t0.1\t0.08\t0.12\t0.5\t0.1\t-0.2\t0\tlow_risk\tlow_risk\tlow_risk\tlow_risk\t\t\t\n" +
		"b\tpass\t4000000\t0.1\t0.08\t0.12\t2.5\t-0.1\t0.4\t0\tlow_risk\tlow_risk\tlow_risk\tlow_risk\t\tchr13:10000000-20000000:gain:fetal\t\n" +
		"c\tpass\t4000000\t0.1\t0.08\t0.12\t-1.0\t0.0\t8.0\t0\tlow_risk\tlow_risk\thigh_risk\tlow_risk\t\t\t\n" +
		"d\tfail\t4000000\t0.1\t0.08\t0.12\t5.0\t5.0\t5.0\t0\tno_call\tno_call\tno_call\tno_call\t\t\tqc_fail\n" +
		"e\tpass\t4000000\t0.1\t0.08\t0.12\t0.2\t0.3\t2.9\t0\tlow_risk\tlow_risk\tno_call\tlow_risk\t\t\tinconclusive\n"
	rep := evaluateText(t, truth, sum)
	if len(rep.ByRun) != 2 {
		t.Fatalf("%d runs, want 2", len(rep.ByRun))
	}
	type off struct {
		n    int
		mean float64
	}
	for _, tc := range []struct {
		run     string
		samples int
		noCalls int
		offsets map[int]off
	}{
		// b has a CNV on chr13, c a trisomy 21: each is left out there.
		{"FC1", 3, 0, map[int]off{13: {2, (0.5 - 1.0) / 2}, 18: {3, 0}, 21: {2, (-0.2 + 0.4) / 2}}},
		// d failed QC: a no-call with no z; e is a no-call for T21.
		{"FC2", 2, 2, map[int]off{13: {1, 0.2}, 18: {1, 0.3}, 21: {1, 2.9}}},
	} {
		var r *RunResult
		for i := range rep.ByRun {
			if rep.ByRun[i].Batch == tc.run {
				r = &rep.ByRun[i]
			}
		}
		if r == nil || r.Samples != tc.samples || r.NoCall.K != tc.noCalls || r.NoCall.N != tc.samples || len(r.Offsets) != len(tc.offsets) {
			t.Fatalf("run %s: %+v", tc.run, r)
		}
		for _, o := range r.Offsets {
			w := tc.offsets[o.Chrom]
			if o.N != w.n || math.Abs(float64(o.Mean)-w.mean) > 1e-12 || math.Abs(float64(o.SE)-1/math.Sqrt(float64(w.n))) > 1e-12 {
				t.Errorf("run %s chr%d: %+v, want n %d mean %g", tc.run, o.Chrom, o, w.n, w.mean)
			}
		}
	}
	var buf bytes.Buffer
	if err := rep.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "By run (truth batch)") || !strings.Contains(buf.String(), "2/2  chr13 +0.20 ± 1.00, chr18 +0.30 ± 1.00, chr21 +2.90 ± 1.00") {
		t.Errorf("text lacks the per-run table:\n%s", buf.String())
	}

	// One run: no split.
	one := strings.ReplaceAll(truth, "FC2", "FC1")
	if rep1 := evaluateText(t, one, sum); rep1.ByRun != nil {
		t.Errorf("one run: %+v", rep1.ByRun)
	}
}
