package fetalfraction

import (
	"fmt"
	"math"

	"github.com/nipt/nipt/internal/stats"
	"gonum.org/v1/gonum/stat/distuv"
)

// Calibration is the measurement model of a fetal-fraction method: how its
// raw estimate f̂ relates to the true fraction f,
//
//	f̂ = A + B·f + ε,  ε ~ N(0, σ(f)²),  σ(f) = S0 + S1·max(f, FMin),
//
// learned from the method's cross-validated predictions on the reference's
// male-fetus pregnancies against their chrY fetal fraction (FitCalibration).
// A regularised regression is shrunk towards its training mean (B < 1,
// A > 0): on the validation cohort the sex-blind estimate rose 0.55 points
// per point of true fraction. Treating f̂ as N(f, SE²) then reads a true 2%
// as 4–9%; the calibrated likelihood N(f̂; A + B·f, SD(f)²) does not. This
// is the classical calibration (inverse regression) problem: Eisenhart
// 1939, Ann Math Stat 10:162; Osborne 1991, Int Stat Rev 59:309.
//
// VarA, CovAB and VarB are the sampling covariance of A and B; SD adds the
// line's uncertainty at f to the residual SD, so that a sample far from the
// training fractions (e.g. f = 2% for references at 4–21%) gets the wider
// prediction interval of an extrapolation (Seber & Lee, Linear Regression
// Analysis, §5.3). The identity calibration (B = 1, A = 0) describes a
// direct measurement such as chrY.
type Calibration struct {
	A  float64 `json:"a"`
	B  float64 `json:"b"`
	S0 float64 `json:"s0"`
	S1 float64 `json:"s1"`
	// FMin: σ(f) is not extrapolated below the lowest training fraction
	// (a noise that falls with f is held at its value there).
	FMin  float64 `json:"f_min"`
	FMax  float64 `json:"f_max"`
	VarA  float64 `json:"var_a"`
	CovAB float64 `json:"cov_ab"`
	VarB  float64 `json:"var_b"`
	N     int     `json:"n"`
}

// Identity is the calibration of an unbiased direct measurement with
// standard error se.
func Identity(se float64) Calibration { return Calibration{B: 1, S0: se} }

// Valid reports whether c is a usable calibration: finite, B > 0 and a
// non-negative noise model.
func (c Calibration) Valid() bool {
	return c.finite() && c.B > 0 && c.S0 >= 0 && c.S1 >= 0 && c.S0+c.S1 > 0 && c.VarA >= 0 && c.VarB >= 0
}

// finite reports whether every parameter is a finite number (a reference
// file stores them as JSON, which has no NaN).
func (c Calibration) finite() bool {
	for _, v := range []float64{c.A, c.B, c.S0, c.S1, c.FMin, c.FMax, c.VarA, c.CovAB, c.VarB} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// Informative reports whether the slope B exceeds two of its standard
// errors: otherwise the method has no demonstrated information about the
// fetal fraction (its estimate mostly repeats the training mean) and is not
// combined. Two SEs: a one-sided test at 2.3%.
func (c Calibration) Informative() bool {
	return c.Valid() && c.B > 2*math.Sqrt(c.VarB)
}

// ResidualSD is σ(f), the SD of f̂ around A + B·f.
func (c Calibration) ResidualSD(f float64) float64 {
	return c.S0 + c.S1*math.Max(f, c.FMin)
}

// LineVar is the variance of the fitted line A + B·f at f.
func (c Calibration) LineVar(f float64) float64 {
	return math.Max(c.VarA+2*f*c.CovAB+f*f*c.VarB, 0)
}

// minCalibration is the number of training pairs FitCalibration needs
// (two line and two noise parameters, plus one degree of freedom).
const minCalibration = MinCalibrationMales

// huberK is Huber's tuning constant (95% efficiency at the normal; Huber
// 1964, Ann Math Stat 35:73), as in the chrY fit.
const huberK = 1.345

// FitCalibration fits the measurement model of a method from its
// cross-validated predictions pred of the targets f (the male-fetus
// references' chrY fetal fractions):
//
//  1. the line pred = A + B·f by Huber M-estimation (iteratively
//     reweighted least squares, MAD scale), so that an atypical reference
//     library does not tilt it;
//  2. the noise shape by regressing the absolute residuals on f (Glejser
//     1969, JASA 64:316; Davidian & Carroll 1987, JASA 82:1079): σ grows
//     with f (S1 > 0) only when that slope is positive by two standard
//     errors, otherwise σ is constant; its level makes the mean squared
//     standardised residual one (n − 2 degrees of freedom) and is raised by
//     t(0.975, n − 2)/z(0.975) (1.03 at n = 40), so that the normal 95%
//     interval of the calibrated estimate is the Student-t prediction
//     interval that accounts for σ being estimated from n values;
//  3. the line again by weighted least squares with weights Huber/σ(f)²,
//     and the sandwich covariance of (A, B).
//
// The chrY target carries its own error (≈ 0.4 points against a spread of
// the training fractions of ≈ 4.5 points), which attenuates B by under 1%
// (regression dilution); it is not corrected.
func FitCalibration(pred, f []float64) (Calibration, error) {
	var x, y []float64
	for i := range pred {
		if i < len(f) && !math.IsNaN(pred[i]) && !math.IsNaN(f[i]) {
			x, y = append(x, f[i]), append(y, pred[i])
		}
	}
	n := len(x)
	if n < minCalibration || len(pred) != len(f) {
		return Calibration{}, fmt.Errorf("fetalfraction: calibration needs at least %d paired predictions and targets, got %d", minCalibration, n)
	}
	c := Calibration{N: n, FMin: x[0], FMax: x[0]}
	for _, v := range x {
		c.FMin, c.FMax = math.Min(c.FMin, v), math.Max(c.FMax, v)
	}
	if !(c.FMax > c.FMin) {
		return Calibration{}, fmt.Errorf("fetalfraction: calibration targets do not vary")
	}
	// 1. Huber line with a constant noise.
	shape := make([]float64, n)
	for i := range shape {
		shape[i] = 1
	}
	a, b, _ := huberLine(x, y, shape)
	// 2. Noise shape from the absolute residuals.
	abs := make([]float64, n)
	for i := range x {
		abs[i] = math.Abs(y[i] - a - b*x[i])
	}
	g0, g1, se1 := ols(x, abs)
	if g1 > 2*se1 && g0+g1*c.FMin > 0 {
		c.S0, c.S1 = math.Max(g0, 0), g1
		for i := range shape {
			shape[i] = c.S0 + c.S1*x[i]
		}
	}
	// 3. Weighted Huber line under that shape, then the noise level.
	a, b, h := huberLine(x, y, shape)
	var ss float64
	for i := range x {
		r := (y[i] - a - b*x[i]) / shape[i]
		ss += r * r
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 2)}
	k := math.Sqrt(ss/float64(n-2)) * t.Quantile(0.975) / Z95
	if c.S1 > 0 {
		c.S0, c.S1 = k*c.S0, k*c.S1
	} else {
		c.S0 = k
	}
	// Sandwich covariance of the weighted estimator with weights
	// w = h/σ², each residual of variance σ².
	var m00, m01, m11, v00, v01, v11 float64
	for i := range x {
		s2 := sq(c.ResidualSD(x[i]))
		w := h[i] / s2
		m00 += w
		m01 += w * x[i]
		m11 += w * x[i] * x[i]
		u := w * w * s2
		v00 += u
		v01 += u * x[i]
		v11 += u * x[i] * x[i]
	}
	det := m00*m11 - m01*m01
	if !(det > 0) {
		return Calibration{}, fmt.Errorf("fetalfraction: calibration design is singular")
	}
	// M⁻¹ = [m11 −m01; −m01 m00]/det; Cov = M⁻¹ V M⁻¹.
	i00, i01, i11 := m11/det, -m01/det, m00/det
	c.VarA = i00*(i00*v00+i01*v01) + i01*(i00*v01+i01*v11)
	c.CovAB = i00*(i01*v00+i11*v01) + i01*(i01*v01+i11*v11)
	c.VarB = i01*(i01*v00+i11*v01) + i11*(i01*v01+i11*v11)
	c.A, c.B = a, b
	if !c.finite() {
		return Calibration{}, fmt.Errorf("fetalfraction: calibration did not converge to finite values")
	}
	return c, nil
}

// Residual is the calibrated residual of a prediction pred of target f,
// pred − A − B·f.
func (c Calibration) Residual(pred, f float64) float64 { return pred - c.A - c.B*f }

// huberLine fits y = a + b·x by iteratively reweighted least squares with
// Huber weights on the residuals standardised by shape·scale (scale: the
// MAD of the standardised residuals). It returns the Huber weights of the
// final fit.
func huberLine(x, y, shape []float64) (a, b float64, h []float64) {
	n := len(x)
	h = make([]float64, n)
	for i := range h {
		h[i] = 1
	}
	w := make([]float64, n)
	r := make([]float64, n)
	for it := 0; it < 50; it++ {
		for i := range w {
			w[i] = h[i] / (shape[i] * shape[i])
		}
		na, nb := wls(x, y, w)
		for i := range x {
			r[i] = (y[i] - na - nb*x[i]) / shape[i]
		}
		done := it > 0 && math.Abs(na-a) <= 1e-12*(1+math.Abs(na)) && math.Abs(nb-b) <= 1e-12*(1+math.Abs(nb))
		a, b = na, nb
		s := stats.MAD(r)
		if !(s > 0) || done {
			break
		}
		for i := range h {
			h[i] = 1
			if v := math.Abs(r[i]); v > huberK*s {
				h[i] = huberK * s / v
			}
		}
	}
	return a, b, h
}

// wls is weighted least squares of y on x with an intercept.
func wls(x, y, w []float64) (a, b float64) {
	var sw, sx, sy float64
	for i := range x {
		sw += w[i]
		sx += w[i] * x[i]
		sy += w[i] * y[i]
	}
	mx, my := sx/sw, sy/sw
	var sxx, sxy float64
	for i := range x {
		sxx += w[i] * (x[i] - mx) * (x[i] - mx)
		sxy += w[i] * (x[i] - mx) * (y[i] - my)
	}
	b = sxy / sxx
	return my - b*mx, b
}

// ols is ordinary least squares of y on x; it returns the intercept, the
// slope and the slope's standard error.
func ols(x, y []float64) (a, b, seB float64) {
	n := float64(len(x))
	w := make([]float64, len(x))
	for i := range w {
		w[i] = 1
	}
	a, b = wls(x, y, w)
	var mx, sxx, ss float64
	for _, v := range x {
		mx += v / n
	}
	for i, v := range x {
		sxx += (v - mx) * (v - mx)
		e := y[i] - a - b*v
		ss += e * e
	}
	return a, b, math.Sqrt(ss / (n - 2) / sxx)
}
