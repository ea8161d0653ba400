package evaluate

import (
	"bytes"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"
)

// testdata/truth.tsv and testdata/summary.tsv hold 36 test samples and 2
// reference samples (one of which is also in the summary). The expected
// numbers below were counted by hand from the two files; the comments give
// the samples behind each count.
func loadTestdata(t *testing.T, opt Options) *Report {
	t.Helper()
	rep, err := EvaluateFiles(filepath.Join("testdata", "truth.tsv"), filepath.Join("testdata", "summary.tsv"), opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func findCondition(t *testing.T, rep *Report, name string) ConditionResult {
	t.Helper()
	for _, c := range rep.Conditions {
		if c.Condition == name {
			return c
		}
	}
	t.Fatalf("no condition %q", name)
	return ConditionResult{}
}

func TestEvaluateTestdataConditions(t *testing.T) {
	rep := loadTestdata(t, Options{})
	tests := []struct {
		name string
		want Counts
	}{
		// A01–A10 full T21, A10 (FF 3%) missed; M1 (mosaic) left out;
		// negatives: B3, E07 (QC fail), E09 no-calls, E03 false positive.
		{"T21", Counts{Positives: 10, TP: 9, FN: 1, Negatives: 25, TN: 21, FP: 1, NoCallNegative: 3}},
		// B1, B2 detected, B3 no-call; N4's maternal dup called T18.
		{"T18", Counts{Positives: 3, TP: 2, NoCallPositive: 1, Negatives: 33, TN: 30, FP: 1, NoCallNegative: 2}},
		{"T13", Counts{Positives: 2, TP: 2, Negatives: 34, TN: 31, NoCallNegative: 3}},
		// D1 (T16) listed in rat, D2 (T7) missed.
		{"RAT", Counts{Positives: 2, TP: 1, FN: 1, Negatives: 34, TN: 31, NoCallNegative: 3}},
		{"mosaic trisomy", Counts{Positives: 1, TP: 1}},
		// S1 47,XXY right, S2 45,X called 47,XXX (still an SCA), S3 missed.
		{"SCA", Counts{Positives: 3, TP: 2, FN: 1, Negatives: 33, TN: 30, NoCallNegative: 3}},
		{"45,X", Counts{Positives: 1, FN: 1, Negatives: 35, TN: 32, NoCallNegative: 3}},
		{"47,XXX", Counts{Positives: 1, FN: 1, Negatives: 35, TN: 31, FP: 1, NoCallNegative: 3}},
		{"47,XXY", Counts{Positives: 1, TP: 1, Negatives: 35, TN: 32, NoCallNegative: 3}},
		{"47,XYY", Counts{Negatives: 36, TN: 33, NoCallNegative: 3}},
		// N1, N3, N4 matched, N2 (call covers 2 of 6 Mb) missed; E08 has
		// a false call; E07 failed QC.
		{"CNV", Counts{Positives: 4, TP: 3, FN: 1, Negatives: 32, TN: 30, FP: 1, NoCallNegative: 1}},
	}
	for _, tt := range tests {
		c := findCondition(t, rep, tt.name)
		if !c.Evaluated {
			t.Errorf("%s not evaluated: %s", tt.name, c.NotEvaluatedReason)
		}
		if c.Counts != tt.want {
			t.Errorf("%s: counts %+v, want %+v", tt.name, c.Counts, tt.want)
		}
	}
	t21 := findCondition(t, rep, "T21")
	if t21.Sensitivity.K != 9 || t21.Sensitivity.N != 10 || math.Abs(float64(t21.Sensitivity.Low)-0.5549839) > 5e-7 {
		t.Errorf("T21 sensitivity %+v, want 9/10 with CI from 0.5549839", t21.Sensitivity)
	}
	if s := t21.Specificity; s.K != 21 || s.N != 22 {
		t.Errorf("T21 specificity %+v, want 21/22", s)
	}
	// T21 by FF: A10 (3%) missed; 4–8%: A04, A05, A09; 8–12%: A01, A03,
	// A08; ≥12%: A02, A06, A07.
	wantBins := map[string][2]int{"2%–4%": {0, 1}, "4%–8%": {3, 3}, "8%–12%": {3, 3}, "≥12%": {3, 3}}
	for _, b := range t21.ByFF {
		if w, ok := wantBins[b.Bin.Label]; ok && (b.Sensitivity.K != w[0] || b.Sensitivity.N != w[1]) {
			t.Errorf("T21 bin %s: %d/%d, want %d/%d", b.Bin.Label, b.Sensitivity.K, b.Sensitivity.N, w[0], w[1])
		}
	}
	// At FF ≥ 4%: A10 (3%) drops out of the positives, B3 (2.5%) and E09
	// (1.5%) out of the negatives.
	if m := t21.AtMinFF; m == nil || m.Counts != (Counts{Positives: 9, TP: 9, Negatives: 23, TN: 21, FP: 1, NoCallNegative: 1}) {
		t.Errorf("T21 at FF ≥ 4%%: %+v", m)
	}
	// M1: FF 10% × mosaic 0.5 = 5% effective.
	mos := findCondition(t, rep, "mosaic trisomy")
	if len(mos.ByFF) != 1 || mos.ByFF[0].Bin.Label != "4%–8%" || !mos.SensitivityOnly || mos.Specificity.N != 0 {
		t.Errorf("mosaic row %+v", mos)
	}
	if rep.SCATypes == nil || rep.SCATypes.Mode != "type" {
		t.Fatalf("SCA table %+v, want type mode", rep.SCATypes)
	}
	// Row 45,X: one sample called 47,XXX.
	if got := rep.SCATypes.Counts[1][indexOf(rep.SCATypes.Called, "47,XXX")]; got != 1 {
		t.Errorf("45,X called 47,XXX: %d, want 1", got)
	}
}

func TestEvaluateTestdataROC(t *testing.T) {
	rep := loadTestdata(t, Options{})
	// T21: 10 positives vs 24 negatives (36 − M1 − E07 − 10). Wrong pairs:
	// A10 (z 2.0) below E03 (3.5) and tied with N3 (2.0): AUC = 1 − 1.5/240.
	// T18: N4 (6.0) above all 3 positives: 1 − 3/96. T13: separated.
	want := map[string]struct {
		pos, neg int
		auc      float64
	}{"T21": {10, 24, 1 - 1.5/240}, "T18": {3, 32, 1 - 3.0/96}, "T13": {2, 33, 1}}
	if len(rep.ROC) != 3 {
		t.Fatalf("%d ROC curves, want 3", len(rep.ROC))
	}
	for _, r := range rep.ROC {
		w := want[r.Condition]
		if r.Positives != w.pos || r.Negatives != w.neg || math.Abs(float64(r.AUC)-w.auc) > 1e-12 {
			t.Errorf("%s: %d+/%d− AUC %v, want %d+/%d− %v", r.Condition, r.Positives, r.Negatives, r.AUC, w.pos, w.neg, w.auc)
		}
	}
}

func TestEvaluateTestdataFF(t *testing.T) {
	rep := loadTestdata(t, Options{})
	f := rep.FF
	// Estimates are true FF + 1 point for female and − 1 point for male
	// fetuses; E07 (FF NA) and the twin W1 are left out: 17 + 17.
	if !f.Evaluated || f.ExcludedTwins != 1 || f.All.N != 34 || f.ByFetalSex.Female.N != 17 || f.ByFetalSex.Male.N != 17 {
		t.Fatalf("FF counts: %+v", f)
	}
	near := func(name string, got Float, want, tol float64) {
		t.Helper()
		if math.Abs(float64(got)-want) > tol {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	// 1e-9: the files hold 4-decimal fractions; only float rounding remains.
	near("female bias", f.ByFetalSex.Female.Bias, 0.01, 1e-9)
	near("male bias", f.ByFetalSex.Male.Bias, -0.01, 1e-9)
	near("all bias", f.All.Bias, 0, 1e-9)
	near("all MAE", f.All.MAE, 0.01, 1e-9)
	near("female r", f.ByFetalSex.Female.PearsonR, 1, 1e-9)
	// SD of 17 × (+0.01) and 17 × (−0.01) with n − 1 = 33.
	near("all bias SD", f.All.BiasSD, 0.01*math.Sqrt(34.0/33), 1e-9)
	near("all LoA high", f.All.LoAHigh, 1.959964*0.01*math.Sqrt(34.0/33), 1e-8)
	// E10's interval (±0.5 points around an estimate 1 point off) misses.
	if c := f.All.IntervalCoverage; c.K != 33 || c.N != 34 {
		t.Errorf("coverage %d/%d, want 33/34", c.K, c.N)
	}
	if c := f.ByFetalSex.Male.IntervalCoverage; c.K != 16 || c.N != 17 {
		t.Errorf("male coverage %d/%d, want 16/17", c.K, c.N)
	}
	// By true-FF bin: every evaluated sample in exactly one bin, in bin
	// order, and each bin's bias within the ±1-point range of the data.
	n := 0
	for i, b := range f.ByFF {
		n += b.Stats.N
		if i > 0 && !(b.Bin.Low >= f.ByFF[i-1].Bin.High) {
			t.Errorf("bins out of order: %v after %v", b.Bin, f.ByFF[i-1].Bin)
		}
		if math.Abs(float64(b.Stats.Bias)) > 0.01+1e-9 {
			t.Errorf("bin %s bias %v outside ±1 point", b.Bin.Label, b.Stats.Bias)
		}
	}
	if n != f.All.N || len(f.ByFF) == 0 {
		t.Errorf("by-FF bins hold %d samples in %d bins, want %d", n, len(f.ByFF), f.All.N)
	}
}

func TestFFStatsByHand(t *testing.T) {
	// True 5, 10, 15%; estimated 6, 10, 17%: differences +1, 0, +2 points.
	// MAE = bias = 1 point, SD = 1 point; r = 55/√(50·62) (centred sums).
	js := []*joined{
		{t: &Truth{FF: 0.05}, c: &Called{FF: 0.06, FFLow: 0.04, FFHigh: 0.08}},
		{t: &Truth{FF: 0.10}, c: &Called{FF: 0.10, FFLow: 0.09, FFHigh: 0.11}},
		{t: &Truth{FF: 0.15}, c: &Called{FF: 0.17, FFLow: 0.16, FFHigh: 0.18}},
	}
	s := ffStats(js, Options{CI: ClopperPearson, Confidence: 0.95})
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"MAE", float64(s.MAE), 0.01}, {"bias", float64(s.Bias), 0.01}, {"SD", float64(s.BiasSD), 0.01},
		{"r", float64(s.PearsonR), 55 / math.Sqrt(50*62)},
		// Line through (5, 6), (10, 10), (15, 17): slope 55/50, and it
		// passes through the means (10, 11): intercept 0.
		{"slope", float64(s.Slope), 1.1}, {"intercept", float64(s.Intercept), 0},
		{"width", float64(s.IntervalWidth), 0.08 / 3},
	} {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if s.IntervalCoverage.K != 2 || s.IntervalCoverage.N != 3 {
		t.Errorf("coverage %d/%d, want 2/3", s.IntervalCoverage.K, s.IntervalCoverage.N)
	}
}

func TestEvaluateTestdataCNV(t *testing.T) {
	c := loadTestdata(t, Options{}).CNV
	// 35 samples with a CNV result (E07 failed QC). Calls: N1, N2, N3, N4,
	// E08 and A01's whole-arm chr21 gain (explained by its T21).
	if c.Samples != 35 || c.NoResultSamples != 1 || c.Calls != 6 || c.Matched != 3 || c.Explained != 1 || c.PartialOverlap != 1 {
		t.Errorf("CNV counts %+v", c)
	}
	if c.Recall.K != 3 || c.Recall.N != 4 {
		t.Errorf("recall %d/%d, want 3/4", c.Recall.K, c.Recall.N)
	}
	// ≥ 5 Mb at FF ≥ 8%: N1 (10 Mb, 12%, found) and N2 (6 Mb, 10%, missed).
	if h := c.RecallHeadline; h.Share.K != 1 || h.Share.N != 2 || h.Group != "≥5 Mb" || h.FF != "≥8%" {
		t.Errorf("headline recall %+v, want 1/2", h)
	}
	if f := c.FalseCalls; f.Events != 2 || f.Samples != 35 || math.Abs(float64(f.Value)-2.0/35) > 1e-6 {
		t.Errorf("false calls %+v, want 2 in 35 samples", f)
	}
	got := map[string][2]int{}
	for _, g := range append(append([]GroupShare{}, c.RecallByOrigin...), c.RecallBySize...) {
		got[g.Group] = [2]int{g.Share.K, g.Share.N}
	}
	want := map[string][2]int{"fetal": {1, 2}, "maternal": {1, 1}, "maternal_inherited": {1, 1},
		"<1 Mb": {0, 0}, "1–5 Mb": {2, 2}, "5–10 Mb": {0, 1}, "≥10 Mb": {1, 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("recall groups %v, want %v", got, want)
	}
	// N1 fetal→fetal, N3 maternal→maternal, N4 maternal_inherited→uncertain.
	if o := c.Origin; o.Correct.K != 2 || o.Correct.N != 3 || o.Uncertain != 1 || o.Counts[1][2] != 1 {
		t.Errorf("origin %+v", o)
	}
}

func TestEvaluateTestdataNoCallsAndSafety(t *testing.T) {
	rep := loadTestdata(t, Options{})
	n := rep.NoCall
	// B3 (low FF), E07 (QC fail, high noise), E09 (low FF).
	if n.Overall.K != 3 || n.Overall.N != 36 {
		t.Errorf("no-calls %d/%d, want 3/36", n.Overall.K, n.Overall.N)
	}
	bins := map[string][2]int{}
	for _, g := range n.ByFF {
		bins[g.Group] = [2]int{g.Share.K, g.Share.N}
	}
	wantBins := map[string][2]int{"<2%": {1, 1}, "2%–4%": {1, 2}, "4%–8%": {0, 7}, "8%–12%": {1, 18}, "≥12%": {0, 8}}
	if !reflect.DeepEqual(bins, wantBins) {
		t.Errorf("no-calls by FF %v, want %v", bins, wantBins)
	}
	if !reflect.DeepEqual(n.Reasons, []GroupCount{{"low_ff", 2}, {"high_noise", 1}}) {
		t.Errorf("reasons %v", n.Reasons)
	}
	s := rep.Safety
	// N3: maternal chr21 dup, T21 low risk (pass); N4: maternal_inherited
	// chr18 dup called T18 (failure).
	if s.Status != "fail" || s.AtRisk != 2 || s.Failures != 1 || !reflect.DeepEqual(s.FailedSamples, []string{"N4 (T18)"}) {
		t.Errorf("safety %+v", s)
	}
	if rep.Samples.ReferenceInSummary != 1 || rep.Samples.TestInTruth != 36 || rep.Samples.QCFail != 1 {
		t.Errorf("samples %+v", rep.Samples)
	}
}

func TestEvaluateDeterministic(t *testing.T) {
	var out [2][]byte
	for i := range out {
		rep := loadTestdata(t, Options{})
		var buf bytes.Buffer
		if err := rep.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		if err := rep.WriteText(&buf); err != nil {
			t.Fatal(err)
		}
		out[i] = buf.Bytes()
	}
	if !bytes.Equal(out[0], out[1]) {
		t.Error("two runs gave different output")
	}
}

// BenchmarkEvaluate measures a whole evaluation of the 36-sample test data
// (parsing excluded), to keep an eye on cohorts of thousands.
func BenchmarkEvaluate(b *testing.B) {
	truth, err := ReadTruthFile(filepath.Join("testdata", "truth.tsv"))
	if err != nil {
		b.Fatal(err)
	}
	sum, err := ReadSummaryFile(filepath.Join("testdata", "summary.tsv"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Evaluate(truth, sum, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// z calibration on the hand-made testdata: chr21 is scored over the 24
// samples the T21 ROC counts as negatives less N3 (a maternal chr21 CNV
// moves its dosage) and W1 (twins); E03's z 3.5 is the one beyond ±3.
func TestEvaluateTestdataZCalibration(t *testing.T) {
	rep := loadTestdata(t, Options{})
	var c21, all *ZCalibration
	for i := range rep.ZCalibration {
		switch rep.ZCalibration[i].Chrom {
		case 21:
			c21 = &rep.ZCalibration[i]
		case 0:
			all = &rep.ZCalibration[i]
		}
	}
	if c21 == nil || all == nil {
		t.Fatalf("z calibration rows %+v: want chr21 and the pool", rep.ZCalibration)
	}
	if c21.N != 22 || c21.Over3 != 1 || float64(c21.MaxAbs) != 3.5 {
		t.Errorf("chr21: n %d, |z|>3 %d, max %v; want 22, 1, 3.5", c21.N, c21.Over3, c21.MaxAbs)
	}
	n := 0
	for _, c := range rep.ZCalibration[:len(rep.ZCalibration)-1] {
		n += c.N
	}
	if all.N != n {
		t.Errorf("pool of %d z-scores, the rows hold %d", all.N, n)
	}
}

// zCalibration: 20,000 standard normal z-scores give SD ≈ 1 inside its
// interval and about 0.27% beyond ±3; scaled by 1.2 the interval excludes 1
// and the tail count is several times the expectation.
func TestZCalibrationStatistics(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 4))
	zs := make([]float64, 20_000)
	for i := range zs {
		zs[i] = r.NormFloat64()
	}
	c := zCalibration(21, zs)
	if !(c.SDLow < 1 && c.SDHigh > 1) || math.Abs(float64(c.Mean)) > 0.03 {
		t.Errorf("N(0,1): mean %.3f, SD %.3f (%.3f–%.3f)", c.Mean, c.SD, c.SDLow, c.SDHigh)
	}
	// Expected 54 beyond ±3, Poisson SD 7.3.
	if math.Abs(float64(c.Over3)-float64(c.Expected3)) > 4*math.Sqrt(float64(c.Expected3)) {
		t.Errorf("N(0,1): %d beyond ±3, expected %.1f", c.Over3, c.Expected3)
	}
	for i := range zs {
		zs[i] *= 1.2
	}
	c = zCalibration(21, zs)
	if c.SDLow <= 1 || c.Over3 < 3*int(c.Expected3) {
		t.Errorf("SD 1.2: SD interval %.3f–%.3f, %d beyond ±3 (expected %.1f for a standard normal)", c.SDLow, c.SDHigh, c.Over3, c.Expected3)
	}
}
