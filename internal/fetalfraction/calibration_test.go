package fetalfraction

import (
	"math"
	"math/rand/v2"
	"testing"
)

// drawCalibration simulates n cross-validated predictions of a shrunk
// estimator: targets uniform on [lo, hi], pred = a + b·f + (s0 + s1·f)·ε.
func drawCalibration(r *rand.Rand, n int, a, b, s0, s1, lo, hi float64) (pred, f []float64) {
	pred, f = make([]float64, n), make([]float64, n)
	for i := range f {
		f[i] = lo + (hi-lo)*r.Float64()
		pred[i] = a + b*f[i] + (s0+s1*f[i])*r.NormFloat64()
	}
	return pred, f
}

// TestFitCalibrationRecovers: on 2,000 seeded pairs of a shrunk estimator
// (b = 0.55, residual SD 2.5 points, targets 4–20%) the fit recovers the
// line within 4 of its own standard errors, the residual SD within 5%
// (the SE of an SD from 2,000 normal draws is 1.6%; the t-factor adds
// 0.05%), and keeps σ constant; with a noise that doubles over the range
// (s1 = 0.15) it finds the slope of σ.
func TestFitCalibrationRecovers(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	pred, f := drawCalibration(r, 2000, 0.045, 0.55, 0.025, 0, 0.04, 0.20)
	c, err := FitCalibration(pred, f)
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(c.B - 0.55); d > 4*math.Sqrt(c.VarB) {
		t.Errorf("slope %.4f, want 0.55 ± %.4f", c.B, 4*math.Sqrt(c.VarB))
	}
	if d := math.Abs(c.A + c.B*0.1 - (0.045 + 0.055)); d > 4*math.Sqrt(c.LineVar(0.1)) {
		t.Errorf("line at 10%%: %.4f, want 0.1000", c.A+c.B*0.1)
	}
	if c.S1 != 0 {
		t.Errorf("constant noise fitted with slope S1 = %g", c.S1)
	}
	if math.Abs(c.ResidualSD(0.1)/0.025-1) > 0.05 {
		t.Errorf("residual SD %.5f, want 0.025", c.ResidualSD(0.1))
	}
	if !c.Valid() || !c.Informative() || c.N != 2000 {
		t.Errorf("calibration %+v: want valid, informative, n 2000", c)
	}

	pred, f = drawCalibration(r, 2000, 0.045, 0.55, 0.01, 0.15, 0.04, 0.20)
	c, err = FitCalibration(pred, f)
	if err != nil {
		t.Fatal(err)
	}
	if !(c.S1 > 0) {
		t.Fatalf("noise growing with f not detected: %+v", c)
	}
	// σ(20%)/σ(4%) is 4/1.6 = 2.5; the Glejser fit must see most of it.
	if ratio := c.ResidualSD(0.2) / c.ResidualSD(0.04); ratio < 1.8 || ratio > 3.2 {
		t.Errorf("σ(20%%)/σ(4%%) = %.2f, want about 2.5", ratio)
	}
}

// TestFitCalibrationRobust: one wild reference (a prediction 40 residual
// SDs off) barely moves the Huber line, where least squares on 40 points
// would move the slope by about 0.25.
func TestFitCalibrationRobust(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 1))
	pred, f := drawCalibration(r, 40, 0.045, 0.55, 0.01, 0, 0.04, 0.20)
	clean, err := FitCalibration(pred, f)
	if err != nil {
		t.Fatal(err)
	}
	hi := 0
	for i := range f {
		if f[i] > f[hi] {
			hi = i
		}
	}
	pred[hi] += 0.4
	dirty, err := FitCalibration(pred, f)
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(dirty.B - clean.B); d > 0.05 {
		t.Errorf("one outlier moved the slope from %.3f to %.3f", clean.B, dirty.B)
	}
}

// TestFitCalibrationErrors: too few pairs, constant targets and
// mismatched lengths are errors, not a calibration.
func TestFitCalibrationErrors(t *testing.T) {
	few := make([]float64, minCalibration-1)
	same := make([]float64, 30)
	vary := make([]float64, 30)
	for i := range same {
		same[i], vary[i] = 0.1, float64(i)/100
	}
	for name, tc := range map[string][2][]float64{
		"few":      {few, few},
		"constant": {vary, same},
		"length":   {vary, vary[:29]},
	} {
		if c, err := FitCalibration(tc[0], tc[1]); err == nil {
			t.Errorf("%s: calibration %+v, want an error", name, c)
		}
	}
	if (Calibration{}).Valid() || (Calibration{B: 1, S0: math.NaN()}).Valid() || (Calibration{B: -1, S0: 1}).Valid() {
		t.Error("zero, NaN or negative-slope calibration reported valid")
	}
	if (Calibration{B: 0.1, S0: 0.01, VarB: 0.01}).Informative() {
		t.Error("slope 0.1 with SE 0.1 reported informative")
	}
}

// TestMeasurementUnbiasedAndCovered: the de-biased value of a shrunk
// estimator (b = 0.55, σ = 2.5 points, known line) is unbiased and its
// 95% interval covers the true fraction in 95% of draws at 2%, 5% and
// 15% — the low fractions included, where a symmetric interval clipped at
// zero would not be the right construction. 4,000 draws each: the SE of
// a 95% coverage is 0.34 points, of the mean 0.07 points; tolerances 4 SE.
func TestMeasurementUnbiasedAndCovered(t *testing.T) {
	cal := Calibration{A: 0.045, B: 0.55, S0: 0.025}
	r := rand.New(rand.NewPCG(21, 4))
	for _, f := range []float64{0.02, 0.05, 0.15} {
		const n = 4000
		var sum float64
		cover := 0
		for range n {
			m := Measurement{Raw: cal.A + cal.B*f + cal.S0*r.NormFloat64(), Cal: cal}
			sum += m.Value()
			if lo, hi := m.Interval(); lo <= f && f <= hi {
				cover++
			}
		}
		sd := cal.S0 / cal.B
		if bias := sum/n - f; math.Abs(bias) > 4*sd/math.Sqrt(n) {
			t.Errorf("f %.2f: bias %.4f of the de-biased value", f, bias)
		}
		if c := float64(cover) / n; math.Abs(c-0.95) > 4*math.Sqrt(0.95*0.05/n) {
			t.Errorf("f %.2f: interval coverage %.3f, want 0.95", f, c)
		}
	}
}

// TestInvert: with a constant SD the interval is v ± 1.96 SD clipped to
// [0, 1]; with an SD that grows with f it is asymmetric (wider above);
// an estimate no f ≥ 0 is consistent with gives [0, 0].
func TestInvert(t *testing.T) {
	lo, hi := Invert(0.10, func(float64) float64 { return 0.02 }, Z95)
	if math.Abs(lo-(0.10-Z95*0.02)) > 1e-9 || math.Abs(hi-(0.10+Z95*0.02)) > 1e-9 {
		t.Errorf("constant SD: [%g, %g]", lo, hi)
	}
	lo, hi = Invert(0.01, func(float64) float64 { return 0.02 }, Z95)
	if lo != 0 || math.Abs(hi-(0.01+Z95*0.02)) > 1e-9 {
		t.Errorf("near zero: [%g, %g]", lo, hi)
	}
	lo, hi = Invert(0.10, func(f float64) float64 { return 0.005 + 0.2*f }, Z95)
	if !(hi-0.10 > 0.10-lo) || lo <= 0 {
		t.Errorf("growing SD: [%g, %g], want wider above 10%%", lo, hi)
	}
	if lo, hi = Invert(-0.5, func(float64) float64 { return 0.02 }, Z95); lo != 0 || hi != 0 {
		t.Errorf("impossible estimate: [%g, %g], want [0, 0]", lo, hi)
	}
	if lo, _ = Invert(math.NaN(), func(float64) float64 { return 0.02 }, Z95); !math.IsNaN(lo) {
		t.Errorf("NaN estimate gave %g", lo)
	}
}

// TestCombineMeasurements: weights sum to one (unbiased at every f); two
// independent equal measurements halve the variance; a measurement whose
// slope is not demonstrated (B < 2 SE) or whose value is NaN gets weight
// 0; a poorly tracking method (small B) gets little weight however small
// its raw residual.
func TestCombineMeasurements(t *testing.T) {
	cal := Calibration{A: 0.045, B: 0.55, S0: 0.02}
	a := Measurement{Method: "a", Raw: cal.A + cal.B*0.08, Cal: cal}
	b := Measurement{Method: "b", Raw: cal.A + cal.B*0.12, Cal: cal}
	e, ok := CombineMeasurements([]Measurement{a, b}, nil)
	if !ok || math.Abs(e.Value-0.10) > 1e-9 {
		t.Fatalf("equal measurements: %+v", e)
	}
	if want := a.SD(0.1) / math.Sqrt2; math.Abs(e.SD(0.1)-want) > 1e-12 {
		t.Errorf("combined SD %g, want %g", e.SD(0.1), want)
	}
	weak := Measurement{Method: "weak", Raw: 0.3, Cal: Calibration{A: 0.09, B: 0.1, S0: 0.001, VarB: 0.01}}
	bad := Measurement{Method: "nan", Raw: math.NaN(), Cal: cal}
	// Tracks the fetal fraction at a tenth of the rate with a small raw
	// residual: de-biased SD 5 points against 3.6 for a.
	poor := Measurement{Method: "poor", Raw: 0.09 + 0.1*0.3, Cal: Calibration{A: 0.09, B: 0.1, S0: 0.005}}
	e, ok = CombineMeasurements([]Measurement{a, weak, bad, poor}, nil)
	if !ok {
		t.Fatal("no estimate")
	}
	var sum float64
	for _, w := range e.Weights {
		sum += w
	}
	if math.Abs(sum-1) > 1e-9 || e.Weights[1] != 0 || e.Weights[2] != 0 {
		t.Errorf("weights %v: want sum 1, zero for the uninformative and NaN ones", e.Weights)
	}
	if !(e.Weights[3] < e.Weights[0]) {
		t.Errorf("poorly tracking method weight %g not below %g", e.Weights[3], e.Weights[0])
	}
	if _, ok := CombineMeasurements([]Measurement{bad}, nil); ok {
		t.Error("estimate from no usable measurement")
	}
	// A fallback is left out next to a usable measurement, used alone
	// otherwise.
	fb := b
	fb.Fallback = true
	e, ok = CombineMeasurements([]Measurement{a, fb}, nil)
	if !ok || e.Weights[1] != 0 || math.Abs(e.Value-0.08) > 1e-9 {
		t.Errorf("fallback next to a usable measurement: %+v", e)
	}
	e, ok = CombineMeasurements([]Measurement{bad, fb}, nil)
	if !ok || e.Weights[1] != 1 || math.Abs(e.Value-0.12) > 1e-9 {
		t.Errorf("fallback alone: %+v", e)
	}
}
