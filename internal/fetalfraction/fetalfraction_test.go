package fetalfraction

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestFitRidgeSignalAndNoise: with a linear signal in 10 features (R² ≈
// 0.9) the nested-CV correlation is high; with pure noise it shows no skill
// (r < 0.45, about three SEs of a null correlation over 40 samples; it is
// typically negative, the known leave-one-out artefact of predicting the
// mean of the other samples).
func TestFitRidgeSignalAndNoise(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n, p := 40, 10
	beta := make([]float64, p)
	for j := range beta {
		beta[j] = r.NormFloat64()
	}
	x := mat.NewDense(n, p, nil)
	y := make([]float64, n)
	noise := make([]float64, n)
	for i := 0; i < n; i++ {
		var s float64
		for j := 0; j < p; j++ {
			v := r.NormFloat64()
			x.Set(i, j, v)
			s += beta[j] * v
		}
		y[i] = 0.1 + 0.02*s + 0.02*r.NormFloat64()
		noise[i] = r.NormFloat64()
	}
	m, err := FitRidge([]*mat.Dense{x}, y, 1)
	if err != nil {
		t.Fatal(err)
	}
	if m.CV.R < 0.8 {
		t.Errorf("signal: nested-CV r = %.3f", m.CV.R)
	}
	row := x.RawRowView(0)
	if pred := m.Predict(row); math.Abs(pred-y[0]) > 0.1 {
		t.Errorf("prediction %.3f for target %.3f", pred, y[0])
	}
	m0, err := FitRidge([]*mat.Dense{x}, noise, 1)
	if err != nil {
		t.Fatal(err)
	}
	if m0.CV.R > 0.45 {
		t.Errorf("noise: nested-CV r = %.3f", m0.CV.R)
	}
	// The informative set is chosen over a noise set.
	junk := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			junk.Set(i, j, r.NormFloat64())
		}
	}
	m2, _ := FitRidge([]*mat.Dense{junk, x}, y, 2)
	if m2.Set != 1 {
		t.Errorf("chose feature set %d, want 1", m2.Set)
	}
	// The nested leave-one-out runs in parallel: the thread count does not
	// change a bit of it.
	m1, _ := FitRidge([]*mat.Dense{junk, x}, y, 1)
	for i := range m1.LOO {
		if m1.LOO[i] != m2.LOO[i] {
			t.Fatalf("leave-one-out prediction %d: %v with 2 threads, %v with 1", i, m2.LOO[i], m1.LOO[i])
		}
	}
	if m1.CV != m2.CV {
		t.Errorf("nested CV: %+v with 2 threads, %+v with 1", m2.CV, m1.CV)
	}
	if _, err := FitRidge([]*mat.Dense{x}, y[:3], 1); err == nil {
		t.Error("3 targets accepted")
	}
}

// TestFitLinearLOO checks the closed-form leave-one-out errors against
// explicit refits.
func TestFitLinearLOO(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, 20)
	y := make([]float64, 20)
	for i := range x {
		x[i] = 0.1 + 0.05*r.Float64()
		y[i] = 2*x[i] - 0.15 + 0.01*r.NormFloat64()
	}
	l, err := FitLinear(x, y)
	if err != nil {
		t.Fatal(err)
	}
	for i := range x {
		var xs, ys []float64
		for j := range x {
			if j != i {
				xs = append(xs, x[j])
				ys = append(ys, y[j])
			}
		}
		m, _ := FitLinear(xs, ys)
		want := m.Predict(x[i]) - y[i]
		if math.Abs(l.Residuals[i]-want) > 1e-12 {
			t.Fatalf("sample %d: closed-form LOO error %g, refit %g", i, l.Residuals[i], want)
		}
	}
	if _, err := FitLinear([]float64{1, 1, 1, 1, 1}, []float64{1, 2, 3, 4, 5}); err == nil {
		t.Error("constant predictor accepted")
	}
}

// TestFitY: simulated male references with f_X = f + N(0, 0.015) and chrY
// dosage y = α + f/γ; the calibrated scale is within 3 SEs of γ, and one
// wild f_X value does not move it (Huber weights).
func TestFitY(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const gamma, alpha = 0.02, 0.3
	var y, fx []float64
	var male, female []bool
	for i := 0; i < 60; i++ {
		m := i%2 == 0
		f := 0.04 + 0.16*r.Float64()
		v := alpha + 0.02*r.NormFloat64()
		x := math.NaN()
		if m {
			v += f / gamma
			x = f + 0.015*r.NormFloat64()
		}
		y = append(y, v)
		fx = append(fx, x)
		male = append(male, m)
		female = append(female, !m)
	}
	fx[0] = 0.9 // an outlier
	m := FitY(y, male, female, fx, 0.015, 100)
	if !m.Calibrated || math.Abs(m.Scale-gamma) > 3*m.ScaleSE+1e-4 {
		t.Errorf("scale %.5f ± %.5f, want %.5f", m.Scale, m.ScaleSE, gamma)
	}
	// The residual is all chrX noise here: little left for chrY (the
	// robust SD of 30 residuals is within ~25% of 0.015).
	if m.ExtraSD > 0.01 {
		t.Errorf("extra chrY SD %.4f, want about 0", m.ExtraSD)
	}
	if math.Abs(m.Background-alpha) > 0.02 {
		t.Errorf("background %.3f, want %.3f", m.Background, alpha)
	}
	f, se := m.FF(alpha+0.1/gamma, 0, 1)
	if math.Abs(f-0.1) > 3*se {
		t.Errorf("FF %.4f ± %.4f, want 0.1", f, se)
	}
	f2, _ := m.FF(alpha+0.1/gamma, 0, 2)
	if math.Abs(f2-f/2) > 1e-12 {
		t.Error("two chrY copies do not halve the estimate")
	}
	// Both measure the same fraction: no intercept.
	if m.InterceptOffset() || math.Abs(m.Intercept) > 3*m.InterceptSE {
		t.Errorf("intercept %.4f ± %.4f, want 0 within its error", m.Intercept, m.InterceptSE)
	}
	// The male-fetus references' chrX reads 10 points low (fetal sex
	// confounded with a batch that shifts chrX): the offset is found, and
	// it is what biases the scale fitted through the origin.
	shifted := append([]float64(nil), fx...)
	for i := range shifted {
		shifted[i] -= 0.10
	}
	b := FitY(y, male, female, shifted, 0.015, 100)
	if !b.InterceptOffset() || math.Abs(b.Intercept+0.10) > 3*b.InterceptSE+0.005 {
		t.Errorf("shifted chrX: intercept %.4f ± %.4f, want -0.10 flagged", b.Intercept, b.InterceptSE)
	}
	if math.Abs(b.Scale-gamma) < 5*b.ScaleSE {
		t.Errorf("shifted chrX: scale %.5f still matches %.5f; the test does not show the bias", b.Scale, gamma)
	}
	// Too few males: uncalibrated, diploid expectation.
	few := FitY(y[:6], male[:6], female[:6], fx[:6], 0.015, 100)
	if few.Calibrated || few.Scale != 0.02 {
		t.Errorf("3 males: %+v", few)
	}
}

func TestCombine(t *testing.T) {
	// Independent: inverse-variance weighting.
	v, se, w := Combine([]float64{0.1, 0.2}, [][]float64{{0.0001, 0}, {0, 0.0004}})
	if math.Abs(v-0.12) > 1e-12 || math.Abs(se-math.Sqrt(1/(1e4+2.5e3))) > 1e-12 || math.Abs(w[0]-0.8) > 1e-12 {
		t.Errorf("independent: %g ± %g, weights %v", v, se, w)
	}
	// Correlated equal-variance estimates: the mean, with a larger SE.
	v, se, _ = Combine([]float64{0.1, 0.2}, [][]float64{{0.0001, 0.00005}, {0.00005, 0.0001}})
	if math.Abs(v-0.15) > 1e-12 || math.Abs(se-math.Sqrt(0.000075)) > 1e-12 {
		t.Errorf("correlated: %g ± %g", v, se)
	}
	// Strong correlation would give a negative GLS weight: fall back.
	_, _, w = Combine([]float64{0.1, 0.2}, [][]float64{{0.0001, 0.00018}, {0.00018, 0.0004}})
	for _, x := range w {
		if x < 0 {
			t.Errorf("negative weight %v", w)
		}
	}
}

// TestSizeProfile: classes are assigned by length and the squared features
// are shares that sum to 1.
func TestSizeProfile(t *testing.T) {
	h := make([]int64, 1001)
	h[50], h[60], h[69], h[70], h[259], h[260], h[999] = 1, 2, 3, 4, 5, 6, 7
	p := SizeProfile(h)
	if len(p) != NumSizeClasses {
		t.Fatalf("%d classes, want %d", len(p), NumSizeClasses)
	}
	want := map[int]float64{0: 1, 1: 5, 2: 4, NumSizeClasses - 2: 5, NumSizeClasses - 1: 13}
	var sum float64
	for k, v := range p {
		sum += v * v
		if got := v * v * 28; math.Abs(got-want[k]) > 1e-9 {
			t.Errorf("class %d holds %.3g fragments, want %g", k, got, want[k])
		}
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("shares sum to %g", sum)
	}
	if SizeProfile(make([]int64, 10)) != nil || SizeProfile(nil) != nil {
		t.Error("empty histogram gave a profile")
	}
}

// TestLeverage: without a penalty the training leverages are the OLS hat
// values, which sum to p + 1 (slope and intercept parameters), so h̄ =
// (p + 1)/n exactly, and the leave-one-out leverages follow from them; the
// mean sample gets less than the cross-validated error and a sample far
// out along a feature more.
func TestLeverage(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	n, p := 30, 3
	x := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			x.Set(i, j, r.NormFloat64())
		}
	}
	l, err := NewLeverage(x, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := float64(p+1) / float64(n); math.Abs(l.HBar-want) > 1e-9 {
		t.Errorf("h̄ = %.6f, want %.6f", l.HBar, want)
	}
	// Leave-one-out: under OLS the leverage of sample i in the model of
	// the others is H_ii/(1 − H_ii) (1 + h₋ᵢ = 1/(1 − H_ii), the
	// leave-one-out residual identity), H_ii the in-sample hat values.
	var want float64
	for i := 0; i < n; i++ {
		h := l.h(x.RawRowView(i))
		want += h / (1 - h) / float64(n)
	}
	if math.Abs(l.HBarLOO-want) > 1e-9 {
		t.Errorf("h̄ leave-one-out = %.6f, want %.6f", l.HBarLOO, want)
	}
	// A sample at the training centre has the smallest error, below the
	// leave-one-out average.
	if f, want := l.Factor(l.Mean), math.Sqrt((1+1/float64(n))/(1+l.HBarLOO)); math.Abs(f-want) > 1e-12 || !(f < 1) {
		t.Errorf("factor at the mean %.4f, want %.4f < 1", f, want)
	}
	// A reference built before HBarLOO keeps the earlier factor, at least 1.
	old := *l
	old.HBarLOO = 0
	if f := old.Factor(l.Mean); f != 1 {
		t.Errorf("earlier factor at the mean %.3f, want 1", f)
	}
	far := append([]float64(nil), l.Mean...)
	far[0] += 10
	if f := l.Factor(far); !(f > 1.3) {
		t.Errorf("factor 10 SD out %.3f, want > 1.3", f)
	}
	// A penalty shrinks the leverages.
	lp, err := NewLeverage(x, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !(lp.HBar < l.HBar) {
		t.Errorf("penalised h̄ %.4f not below %.4f", lp.HBar, l.HBar)
	}
}
