package stats

import (
	"math"
	"math/bits"
	"slices"
)

// madScale makes the median absolute deviation a consistent estimator of the
// normal standard deviation: 1/Φ⁻¹(0.75) = 1.482602218… (Hampel 1974).
const madScale = 1.4826

// sortedNonNaN returns a sorted copy of the non-NaN values of x. ±Inf are
// kept: they are valid order statistics.
func sortedNonNaN(x []float64) []float64 {
	s := nonNaN(x)
	slices.Sort(s)
	return s
}

// nonNaN returns a copy of the non-NaN values of x.
func nonNaN(x []float64) []float64 {
	s := make([]float64, 0, len(x))
	for _, v := range x {
		if !math.IsNaN(v) {
			s = append(s, v)
		}
	}
	return s
}

// Median returns the median of the non-NaN values of x, or NaN if there are
// none. x is not modified.
func Median(x []float64) float64 {
	return quantileSelect(nonNaN(x), 0.5)
}

// Quantile returns the p-quantile (0 ≤ p ≤ 1) of the non-NaN values of x by
// linear interpolation between order statistics (Hyndman & Fan definition 7,
// R's default). It returns NaN for an empty input or p outside [0, 1].
func Quantile(x []float64, p float64) float64 {
	return quantileSelect(nonNaN(x), p)
}

// quantileSelect is quantileSorted without sorting: the two order
// statistics it interpolates are found by selection (selectKth), in
// linear expected time — the reference build takes medians and MADs of
// every sample's ~60,000 bins, where sorting cost a third of the build.
// The result is bit-identical to quantileSorted(sorted s, p). s is
// reordered.
func quantileSelect(s []float64, p float64) float64 {
	lo, f, ok := quantileIndex(len(s), p)
	switch {
	case !ok:
		return math.NaN()
	case lo >= len(s)-1:
		return slices.Max(s)
	}
	selectKth(s, lo)
	if f == 0 {
		return s[lo]
	}
	next := slices.Min(s[lo+1:])
	return s[lo] + f*(next-s[lo])
}

// quantileIndex returns the order statistic lo and interpolation weight f
// of the p-quantile of n values (Hyndman & Fan definition 7: s[lo] +
// f·(s[lo+1] − s[lo])); ok is false for n = 0 or p outside [0, 1].
func quantileIndex(n int, p float64) (lo int, f float64, ok bool) {
	if n == 0 || math.IsNaN(p) || p < 0 || p > 1 {
		return 0, 0, false
	}
	h := p * float64(n-1)
	lo = int(math.Floor(h))
	return lo, h - float64(lo), true
}

// selectKth reorders s so that s[k] is the value sorted s has at k, with
// s[:k] ≤ s[k] ≤ s[k+1:] (Hoare's selection: median-of-three pivots,
// three-way partitioning so that runs of equal values end a round, and a
// sort of what is left once a generous round budget is spent, which bounds
// the worst case by O(n log n)). s holds no NaN.
func selectKth(s []float64, k int) {
	lo, hi := 0, len(s)
	budget := 2*bits.Len(uint(len(s))) + 8
	for hi-lo > 16 && budget > 0 {
		budget--
		a, b, c := s[lo], s[lo+(hi-lo)/2], s[hi-1]
		p := max(min(a, b), min(max(a, b), c)) // median of three
		lt, i, gt := lo, lo, hi
		for i < gt {
			switch v := s[i]; {
			case v < p:
				s[lt], s[i] = v, s[lt]
				lt++
				i++
			case v > p:
				gt--
				s[i], s[gt] = s[gt], v
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt
		case k >= gt:
			lo = gt
		default:
			return // s[lt:gt] all equal the pivot
		}
	}
	slices.Sort(s[lo:hi])
}

// Quantiles is Quantile for several probabilities, sorting x once.
func Quantiles(x []float64, ps ...float64) []float64 {
	s := sortedNonNaN(x)
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = quantileSorted(s, p)
	}
	return out
}

func quantileSorted(s []float64, p float64) float64 {
	lo, f, ok := quantileIndex(len(s), p)
	switch {
	case !ok:
		return math.NaN()
	case lo >= len(s)-1:
		return s[len(s)-1]
	case f == 0:
		return s[lo]
	}
	return s[lo] + f*(s[lo+1]-s[lo])
}

// MAD returns the median absolute deviation from the median of the non-NaN
// values of x, multiplied by 1.4826 so that it estimates the standard
// deviation of normal data. It returns NaN for an empty input.
func MAD(x []float64) float64 {
	_, mad := MedianMAD(x)
	return mad
}

// MedianMAD returns Median(x) and MAD(x), taking the median once.
func MedianMAD(x []float64) (med, mad float64) {
	s := nonNaN(x)
	med = quantileSelect(s, 0.5) // reorders s, which the MAD does not mind
	return med, madScale * rawMAD(s, med)
}

// rawMAD is the unscaled median of |x - center| over non-NaN x (and
// non-NaN deviations).
func rawMAD(x []float64, center float64) float64 {
	if math.IsNaN(center) {
		return math.NaN()
	}
	d := make([]float64, 0, len(x))
	for _, v := range x {
		// An infinite value at an infinite centre has no deviation.
		if dv := math.Abs(v - center); !math.IsNaN(dv) {
			d = append(d, dv)
		}
	}
	return quantileSelect(d, 0.5)
}

// WeightedMedian returns the weighted median of x: the smallest value m such
// that the weights of values ≤ m reach half the total weight; when they reach
// exactly half, the midpoint between m and the next value is returned (so
// equal weights give the ordinary median). Pairs with a NaN value or a
// non-positive or non-finite weight are skipped. It returns NaN if x and w
// differ in length or no pair is usable.
func WeightedMedian(x, w []float64) float64 {
	if len(x) != len(w) {
		return math.NaN()
	}
	type pair struct{ x, w float64 }
	ps := make([]pair, 0, len(x))
	total := 0.0
	for i, v := range x {
		if math.IsNaN(v) || !(w[i] > 0) || math.IsInf(w[i], 0) {
			continue
		}
		ps = append(ps, pair{v, w[i]})
		total += w[i]
	}
	if len(ps) == 0 {
		return math.NaN()
	}
	slices.SortFunc(ps, func(a, b pair) int {
		switch {
		case a.x < b.x:
			return -1
		case a.x > b.x:
			return 1
		}
		return 0
	})
	half := total / 2
	cum := 0.0
	for i, p := range ps {
		cum += p.w
		// Relative tolerance for floating-point sums of the weights.
		if math.Abs(cum-half) <= 1e-12*total && i+1 < len(ps) {
			return (p.x + ps[i+1].x) / 2
		}
		if cum > half {
			return p.x
		}
	}
	return ps[len(ps)-1].x
}

// Biweight tuning constants in units of the unscaled MAD (Mosteller & Tukey
// 1977; Lax 1985): c = 6 for location, c = 9 for the midvariance.
const (
	biweightLocC   = 6
	biweightScaleC = 9
)

// BiweightLocation returns Tukey's biweight location estimate of the non-NaN
// values of x: one-step reweighting of the median with bisquare weights
// (1 - u²)², u = (x - M)/(6·MAD₀), where MAD₀ is the unscaled median
// absolute deviation, iterated to convergence. If MAD₀ is zero the median is
// returned. It returns NaN for an empty input.
func BiweightLocation(x []float64) float64 {
	m := Median(x)
	if math.IsNaN(m) {
		return m
	}
	// At most 10 iterations: the M-estimator converges in a handful of steps
	// from the median (Mosteller & Tukey 1977 use one or two).
	for iter := 0; iter < 10; iter++ {
		mad := rawMAD(x, m)
		if !(mad > 0) || math.IsInf(mad, 0) {
			return m
		}
		num, den := 0.0, 0.0
		for _, v := range x {
			if math.IsNaN(v) {
				continue
			}
			u := (v - m) / (biweightLocC * mad)
			if math.Abs(u) >= 1 {
				continue
			}
			w := (1 - u*u) * (1 - u*u)
			num += w * (v - m)
			den += w
		}
		if den == 0 {
			return m
		}
		step := num / den
		m += step
		// Converged once the step is at rounding level relative to the scale.
		if math.Abs(step) <= 1e-12*mad {
			break
		}
	}
	return m
}

// BiweightScale returns the square root of the biweight midvariance of the
// non-NaN values of x about their median (Lax 1985, eq. 2.4; c = 9):
//
//	n·Σ(x-M)²(1-u²)⁴ / [Σ(1-u²)(1-5u²)]²,  u = (x-M)/(9·MAD₀), |u| < 1,
//
// a robust estimate of the standard deviation. For normal data it converges
// to about 1.009·σ (measured on 10⁶-point samples); the textbook definition is
// kept uncorrected. It returns 0 when more than half the values are equal
// (a single value included) and NaN when there is none.
func BiweightScale(x []float64) float64 {
	m := Median(x)
	if math.IsNaN(m) {
		return m
	}
	mad := rawMAD(x, m)
	if mad == 0 {
		return 0
	}
	if math.IsInf(mad, 0) {
		return math.Inf(1)
	}
	n := 0
	num, den := 0.0, 0.0
	for _, v := range x {
		if math.IsNaN(v) {
			continue
		}
		n++
		u := (v - m) / (biweightScaleC * mad)
		if math.Abs(u) >= 1 {
			continue
		}
		u2 := u * u
		a := 1 - u2
		num += (v - m) * (v - m) * a * a * a * a
		den += a * (1 - 5*u2)
	}
	if n < 2 || den == 0 {
		return math.NaN()
	}
	return math.Sqrt(float64(n)*num) / math.Abs(den)
}
