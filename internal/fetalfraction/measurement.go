package fetalfraction

import "math"

// Measurement is one method's raw estimate for one sample together with
// the method's calibration: the likelihood of the true fraction f is
// N(Raw; A + B·f, Var(f)). It is reported on the de-biased scale, Value =
// (Raw − A)/B, which is unbiased for every f with SD(f) = √Var(f)/B (the
// same likelihood: a constant factor apart).
type Measurement struct {
	Method string
	Raw    float64
	Cal    Calibration
	// Factor (> 0; 0 means 1) scales the residual SD of this sample: the
	// leverage of its fragment-size profile (Leverage.Factor), above 1 for
	// an atypical profile, below 1 for one nearer the training centre than
	// the training samples are to each other.
	Factor float64
	// RelSD adds RelSD·B·f to the SD in quadrature: a bias of up to that
	// relative size that is not corrected (the fetal-sex dependence of an
	// all-chromosome size profile) or the relative error of a scale (chrY).
	RelSD float64
	// Fallback measurements enter a combination only when no other
	// measurement is usable (CombineMeasurements).
	Fallback bool
}

// Value is the de-biased estimate (Raw − A)/B.
func (m Measurement) Value() float64 { return (m.Raw - m.Cal.A) / m.Cal.B }

// SD is the standard deviation of Value when the true fraction is f.
func (m Measurement) SD(f float64) float64 {
	k := m.Factor
	if !(k > 0) {
		k = 1
	}
	f = math.Max(f, 0)
	v := sq(k*m.Cal.ResidualSD(f)) + m.Cal.LineVar(f) + sq(m.RelSD*m.Cal.B*f)
	return math.Sqrt(v) / m.Cal.B
}

// Usable reports whether the measurement can enter a combination: a valid,
// informative calibration and a finite raw value.
func (m Measurement) Usable() bool {
	return m.Cal.Informative() && !math.IsNaN(m.Raw) && !math.IsInf(m.Raw, 0)
}

// Interval is the 95% confidence interval of the true fraction (see
// Invert).
func (m Measurement) Interval() (lo, hi float64) { return Invert(m.Value(), m.SD, Z95) }

// Estimate combines measurements of one sample: a fixed-weight linear
// combination of their de-biased values, unbiased for every f because the
// weights sum to one, with variance wᵀΣ(f)w where Σ(f) holds the
// measurements' SD(f) and the correlation of their errors. This is the
// likelihood of the combination, not a combination of shrunk point
// estimates: a method that barely tracks the fetal fraction (small B)
// has a large de-biased SD and little weight, however small its raw error.
type Estimate struct {
	Value   float64
	Weights []float64
	Parts   []Measurement
	Corr    [][]float64
}

// Combine builds the estimate of the usable measurements (see
// Measurement.Usable; the others get weight 0) with error correlation
// corr(i, j) between measurements i ≠ j (nil: independent). The weights
// are the generalised-least-squares weights (Combine) at the covariance
// Σ(f₀), f₀ the combination itself (one update from f₀ = 10%, the median
// fetal fraction at 10–14 weeks, Ashoor et al. 2013; clipped to [1%,
// 50%]): the best linear unbiased weights near the sample's own fraction.
// Measurements marked Fallback are left out (weight 0) when any other is
// usable. ok is false when no measurement is usable.
func CombineMeasurements(ms []Measurement, corr func(i, j int) float64) (e Estimate, ok bool) {
	e = Estimate{Value: math.NaN(), Parts: ms, Weights: make([]float64, len(ms)), Corr: make([][]float64, len(ms))}
	var idx []int
	for i, m := range ms {
		e.Corr[i] = make([]float64, len(ms))
		e.Corr[i][i] = 1
		for j := range ms {
			if j != i && corr != nil {
				e.Corr[i][j] = corr(i, j)
			}
		}
		if m.Usable() {
			idx = append(idx, i)
		}
	}
	primary := idx[:0:0]
	for _, i := range idx {
		if !ms[i].Fallback {
			primary = append(primary, i)
		}
	}
	if len(primary) > 0 {
		idx = primary
	}
	if len(idx) == 0 {
		return e, false
	}
	f0 := 0.10
	for it := 0; it < 2; it++ {
		vals := make([]float64, len(idx))
		cov := make([][]float64, len(idx))
		for a, i := range idx {
			vals[a] = ms[i].Value()
			cov[a] = make([]float64, len(idx))
			for b, j := range idx {
				cov[a][b] = e.Corr[i][j] * ms[i].SD(f0) * ms[j].SD(f0)
			}
		}
		v, _, w := Combine(vals, cov)
		for a, i := range idx {
			e.Weights[i] = w[a]
		}
		e.Value = v
		f0 = math.Min(math.Max(v, 0.01), MaxFraction)
	}
	return e, true
}

// MaxFraction bounds fetal fractions (placental cfDNA above half of the
// total is not seen in singleton pregnancies).
const MaxFraction = 0.5

// SD is the standard deviation of Value when the true fraction is f.
func (e Estimate) SD(f float64) float64 {
	var v float64
	for i, wi := range e.Weights {
		if wi == 0 {
			continue
		}
		si := e.Parts[i].SD(f)
		for j, wj := range e.Weights {
			if wj != 0 {
				v += wi * wj * e.Corr[i][j] * si * e.Parts[j].SD(f)
			}
		}
	}
	return math.Sqrt(v)
}

// Interval is the 95% confidence interval of the true fraction (Invert).
func (e Estimate) Interval() (lo, hi float64) { return Invert(e.Value, e.SD, Z95) }

// Invert returns the set of fractions f in [0, 1] that an unbiased
// estimate v with SD sd(f) does not reject at the two-sided level of the
// normal quantile z, {f : |v − f| ≤ z·sd(f)}: a confidence interval with
// coverage 1 − α at every true f when the measurement model holds (test
// inversion; with an SD that depends on f this is Fieller's construction,
// Fieller 1954, JRSS-B 16:175). The ends are found by bisection (40
// halvings: 1e-12). An estimate that no f ≥ 0 is consistent with (far
// below zero) gives [0, 0].
func Invert(v float64, sd func(float64) float64, z float64) (lo, hi float64) {
	if math.IsNaN(v) {
		return math.NaN(), math.NaN()
	}
	in := func(f float64) bool { return math.Abs(v-f) <= z*sd(f) }
	c := math.Min(math.Max(v, 0), 1)
	if !in(c) {
		// v outside [0, 1] and the nearest end rejected.
		return c, c
	}
	bisect := func(inside, outside float64) float64 {
		for range 40 {
			mid := (inside + outside) / 2
			if in(mid) {
				inside = mid
			} else {
				outside = mid
			}
		}
		return inside
	}
	lo, hi = 0, 1
	if !in(0) {
		lo = bisect(c, 0)
	}
	if !in(1) {
		hi = bisect(c, 1)
	}
	return lo, hi
}
