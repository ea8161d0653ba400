package fetalfraction

import (
	"math"

	"github.com/nipt/nipt/internal/stats"
)

// MinCalibrationMales is the number of male-fetus reference samples below
// which the chrY scale is not fitted but taken from the diploid-genome
// expectation (see YModel.Calibrated).
const MinCalibrationMales = 5

// YModel converts a sample's chrY dosage into a fetal fraction.
//
// The dosage y is the sum over male-specific chrY bins of the bins' relative
// coverage (GC- and mappability-corrected reads relative to a typical
// autosomal bin). A fetus with nY copies of chrY contributes f·nY/2 per bin,
// so y = α + f·nY·b/2 for b bins with perfect normalisation; female
// pregnancies show only the background α of mismapped reads. Rather than
// trusting the normalisation of chrY (or an adult-male chrY read share, as
// many tools do), the scale is calibrated on the male-fetus reference
// samples against their chrX deficit: their chrX dosage relative to
// female-fetus pregnancies is 1 − f/2, so f_X = 2(1 − ratio_X) measures the
// same fetal fraction from different data. Since f_X is noisy and y is
// precise, f_X is regressed on y (not the reverse, which would attenuate
// the slope: regression dilution, Frost & Thompson 2000, JRSS-A 163:173),
// through the origin after background subtraction, with Huber weights
// (Huber 1964, Ann Math Stat 35:73; tuning 1.345 for 95% efficiency).
type YModel struct {
	// Bins is the number of male-specific chrY bins summed.
	Bins int `json:"bins"`
	// Background α and its SD among female-fetus references.
	Background   float64 `json:"background"`
	BackgroundSD float64 `json:"background_sd"`
	// Scale γ: f = γ·(y − α) for one chrY copy; ScaleSE its standard error.
	Scale   float64 `json:"scale"`
	ScaleSE float64 `json:"scale_se"`
	// Calibrated is false when fewer than MinCalibrationMales male-fetus
	// references were available and Scale = 2/Bins (perfect normalisation).
	Calibrated bool `json:"calibrated"`
	// ResidualSD is the robust SD of f_X − γ(y − α) over male references.
	ResidualSD float64 `json:"residual_sd"`
	// ExtraSD is the part of ResidualSD that the chrX noise does not
	// explain, √(ResidualSD² − SD(f_X)²), attributed to the chrY estimate
	// (per-sample variation of the chrY share beyond counting noise); it is
	// added to every chrY estimate's variance. Attributing all of it to
	// chrY is the conservative choice.
	ExtraSD float64 `json:"extra_sd"`
	// Intercept is the chrX fetal fraction of a male-fetus reference
	// without chrY reads above background, c in f_X = c + g·(y − α) fitted
	// with the Huber weights of the calibration; InterceptSE its standard
	// error. Both measure the same fetal fraction, so c should be 0 within
	// its error: a clear offset means the chrX model does not hold for the
	// male-fetus references (their chrX differs from the female-fetus
	// references' by more than the fetus's X, e.g. fetal sex confounded
	// with sequencing batch) and the calibrated scale is biased.
	Intercept   float64 `json:"chrx_intercept"`
	InterceptSE float64 `json:"chrx_intercept_se"`
}

// InterceptOffset reports whether the calibration's intercept is clearly
// non-zero: beyond 3 standard errors and 1 point of fetal fraction.
func (m *YModel) InterceptOffset() bool {
	return m.Calibrated && m.InterceptSE > 0 && math.Abs(m.Intercept) > math.Max(3*m.InterceptSE, 0.01)
}

// FitY fits the chrY model from per-sample dosages y, fetal-sex labels and,
// for male samples, the chrX-based fetal fraction fx (NaN where unknown)
// whose noise SD is fxSD.
func FitY(y []float64, male, female []bool, fx []float64, fxSD float64, bins int) *YModel {
	m := &YModel{Bins: bins}
	var fy []float64
	for i, v := range y {
		if female[i] {
			fy = append(fy, v)
		}
	}
	if len(fy) > 0 {
		m.Background = stats.Median(fy)
		m.BackgroundSD = stats.BiweightScale(fy)
		if math.IsNaN(m.BackgroundSD) {
			m.BackgroundSD = 0
		}
	}
	m.Scale = 2 / math.Max(float64(bins), 1)
	var u, f []float64
	for i, v := range y {
		if male[i] && !math.IsNaN(fx[i]) && !math.IsNaN(v) {
			u = append(u, v-m.Background)
			f = append(f, fx[i])
		}
	}
	if len(u) < MinCalibrationMales {
		return m
	}
	g, se, rsd, w := huberThroughOrigin(u, f)
	if g > 0 && !math.IsNaN(g) {
		m.Scale, m.ScaleSE, m.ResidualSD, m.Calibrated = g, se, rsd, true
		m.ExtraSD = math.Sqrt(math.Max(rsd*rsd-fxSD*fxSD, 0))
		m.Intercept, m.InterceptSE = weightedIntercept(u, f, w, rsd)
	}
	return m
}

// weightedIntercept fits f = c + b·u by weighted least squares (wls) and
// returns c and its standard error for residual SD sd (NaN when u does
// not vary).
func weightedIntercept(u, f, w []float64, sd float64) (c, se float64) {
	var sw, su float64
	for i := range u {
		sw += w[i]
		su += w[i] * u[i]
	}
	mu := su / sw
	var sxx float64
	for i := range u {
		sxx += w[i] * (u[i] - mu) * (u[i] - mu)
	}
	if !(sxx > 0) {
		return math.NaN(), math.NaN()
	}
	c, _ = wls(u, f, w)
	return c, sd * math.Sqrt(1/sw+mu*mu/sxx)
}

// huberThroughOrigin fits f = g·u by iteratively reweighted least squares
// with Huber weights; it returns g, its standard error, the robust
// residual SD and the final weights.
func huberThroughOrigin(u, f []float64) (g, se, sd float64, w []float64) {
	w = make([]float64, len(u))
	for i := range w {
		w[i] = 1
	}
	r := make([]float64, len(u))
	for it := 0; it < 50; it++ {
		var num, den float64
		for i := range u {
			num += w[i] * u[i] * f[i]
			den += w[i] * u[i] * u[i]
		}
		if den <= 0 {
			return math.NaN(), math.NaN(), math.NaN(), w
		}
		ng := num / den
		for i := range u {
			r[i] = f[i] - ng*u[i]
		}
		sd = stats.MAD(r)
		done := math.Abs(ng-g) <= 1e-12*math.Abs(ng)
		g = ng
		if !(sd > 0) || done {
			break
		}
		for i := range w {
			if a := math.Abs(r[i]); a > 1.345*sd {
				w[i] = 1.345 * sd / a
			} else {
				w[i] = 1
			}
		}
	}
	var den float64
	for i := range u {
		den += w[i] * u[i] * u[i]
	}
	se = sd / math.Sqrt(den)
	return g, se, sd, w
}

// FF returns the fetal fraction and its standard error for a sample with
// chrY dosage y (Poisson variance yVar) and nY fetal chrY copies.
func (m *YModel) FF(y, yVar float64, nY int) (f, se float64) {
	if nY < 1 {
		nY = 1
	}
	k := m.Scale / float64(nY)
	f = k * (y - m.Background)
	v := k*k*(yVar+m.BackgroundSD*m.BackgroundSD) + sq(f*m.ScaleSE/m.Scale) + sq(m.ExtraSD/float64(nY))
	return f, math.Sqrt(v)
}

func sq(x float64) float64 { return x * x }

// Measure returns the chrY estimate of a sample (chrY dosage y, Poisson
// variance yVar, nY fetal chrY copies) as a measurement: a direct,
// unbiased measurement (identity calibration) whose SD holds the counting,
// background and extra chrY terms of FF, the scale's relative error
// entering as RelSD so that it grows with the true fraction rather than
// with the estimate.
func (m *YModel) Measure(y, yVar float64, nY int) Measurement {
	f, _ := m.FF(y, yVar, nY)
	n := float64(max(nY, 1))
	k := m.Scale / n
	s0 := math.Sqrt(k*k*(yVar+m.BackgroundSD*m.BackgroundSD) + sq(m.ExtraSD/n))
	var rel float64
	if m.Scale > 0 {
		rel = m.ScaleSE / m.Scale
	}
	return Measurement{Raw: f, Cal: Identity(s0), RelSD: rel}
}
