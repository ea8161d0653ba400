package fetalfraction

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// linearFeatureModel returns a sampler of the linear feature model of the
// new-sample tests: it fills p features of one sample and returns its true
// fetal fraction (log-normal around 10%, log-SD 0.4). Each feature is a
// fetal direction times the fraction, plus a library effect shared by all
// features (the between-sample variation of fragment sizes) and
// independent noise; the directions are drawn once from rng.
func linearFeatureModel(rng *rand.Rand, p int) func(x []float64) float64 {
	d, u := make([]float64, p), make([]float64, p)
	for k := range d {
		d[k], u[k] = rng.NormFloat64(), rng.NormFloat64()
	}
	return func(x []float64) float64 {
		f := 0.1 * math.Exp(0.4*rng.NormFloat64())
		lib := rng.NormFloat64()
		for k := range x {
			x[k] = 10*f*d[k] + 0.6*lib*u[k] + 0.5*rng.NormFloat64()
		}
		return f
	}
}

// trainOn draws n training samples of p features from draw and fits the
// fragment-size model's ridge (with its leave-one-out calibration) on them.
func trainOn(t *testing.T, draw func([]float64) float64, n, p int) (*mat.Dense, *Ridge) {
	t.Helper()
	X := mat.NewDense(n, p, nil)
	y := make([]float64, n)
	for i := range y {
		y[i] = draw(X.RawRowView(i))
	}
	rd, err := FitRidge([]*mat.Dense{X}, y, 2)
	if err != nil {
		t.Fatal(err)
	}
	return X, rd
}

// TestDebiasedSlopeOnNewSamples measures what the sex-blind estimate's
// de-biasing does on samples the model never saw: a ridge model trained
// on 40 references (the male-fetus references of an 80-sample reference),
// its leave-one-out calibration (FitCalibration of Ridge.LOO), and the
// de-biased predictions (pred − A)/B of 3,000 new samples regressed on
// their true fraction. Features: a fetal direction times the fraction, a
// library effect shared by all features (the between-sample variation of
// fragment sizes) and independent noise, with a log-normal fraction
// around 10%. The leave-one-out calibration slope of a model trained on
// few samples reads below the slope the final model has on new samples
// (each held-out prediction comes from a model that lacked that sample),
// so the de-biased estimate rises slightly more than one point per point:
// measured 1.03–1.05 at 40 training samples, 1.00–1.02 at 120 — the size
// of the excess the validation cohorts show (docs/validation.md, "What is
// not solved"). The test bounds it: the mean slope over 60 training sets
// lies within [0.98, 1.08], so the intervals built on the calibration
// stay near their nominal coverage.
func TestDebiasedSlopeOnNewSamples(t *testing.T) {
	const p, n, reps, m = 12, 40, 60, 3000
	rng := rand.New(rand.NewPCG(1, 2))
	draw := linearFeatureModel(rng, p)
	var sum, sum2 float64
	x := make([]float64, p)
	for r := 0; r < reps; r++ {
		_, rd := trainOn(t, draw, n, p)
		if !rd.Cal.Valid() {
			t.Fatal("no calibration")
		}
		var sf, sv, sff, sfv float64
		for i := 0; i < m; i++ {
			f := draw(x)
			v := (rd.Predict(x) - rd.Cal.A) / rd.Cal.B
			sf, sv, sff, sfv = sf+f, sv+v, sff+f*f, sfv+f*v
		}
		slope := (sfv - sf*sv/m) / (sff - sf*sf/m)
		sum, sum2 = sum+slope, sum2+slope*slope
	}
	mean := sum / reps
	se := math.Sqrt((sum2/reps - mean*mean) / reps)
	t.Logf("de-biased slope on new samples %.4f ± %.4f (%d training sets of %d)", mean, se, reps, n)
	if mean < 0.98 || mean > 1.08 {
		t.Errorf("de-biased slope on new samples %.4f ± %.4f, want within [0.98, 1.08]", mean, se)
	}
}

// TestLeverageFactorCalibrated: on the linear feature model of
// TestDebiasedSlopeOnNewSamples (40 training samples, 12 features), the
// de-biased estimate of new samples, standardised by the measurement's SD
// with the leverage factor, has SD 1 within 5% (20 training sets × 500
// new samples: sampling error ≈ 2%, mostly between training sets) and its
// 95% interval covers 93–97% of them.
func TestLeverageFactorCalibrated(t *testing.T) {
	const p, n, reps, m = 12, 40, 20, 500
	rng := rand.New(rand.NewPCG(5, 6))
	draw := linearFeatureModel(rng, p)
	var z2, cov, cnt float64
	x := make([]float64, p)
	for r := 0; r < reps; r++ {
		X, rd := trainOn(t, draw, n, p)
		lev, err := NewLeverage(X, rd.Lambda)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < m; i++ {
			f := draw(x)
			ms := Measurement{Cal: rd.Cal, Raw: rd.Predict(x), Factor: lev.Factor(x)}
			z2 += sq((ms.Value() - f) / ms.SD(f))
			if lo, hi := ms.Interval(); f >= lo && f <= hi {
				cov++
			}
			cnt++
		}
	}
	sd, c := math.Sqrt(z2/cnt), cov/cnt
	t.Logf("standardised error SD %.3f, coverage %.3f", sd, c)
	if sd < 0.95 || sd > 1.05 || c < 0.93 || c > 0.97 {
		t.Errorf("standardised error SD %.3f (want 0.95–1.05), coverage %.3f (want 0.93–0.97)", sd, c)
	}
}
