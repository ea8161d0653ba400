package loess

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Options controls a LOESS fit. The zero value selects the documented
// defaults.
type Options struct {
	// Span is the fraction of the observations in each local window
	// (0 selects 0.75). Values above 1 widen the kernel further.
	Span float64
	// Degree of the local polynomial, 1 or 2 (0 selects 2).
	Degree int
	// Iterations is the number of robustness iterations after the first fit
	// (0 selects 3; use NoRobust for none).
	Iterations int
	// Grid sets the evaluation points: Grid points at evenly spaced ranks
	// of x, plus extra points wherever a gap exceeds range/Grid; the curve
	// is linearly interpolated between them. 0 selects ⌈32/Span⌉+1
	// rank-spaced points and gaps of at most range/64 (see the package
	// doc); a negative value evaluates directly at every distinct x (exact,
	// O(n·q)).
	Grid int
	// Workers is the number of goroutines evaluating grid points (0 or 1:
	// serial). Each grid point is computed independently, so the result
	// does not depend on Workers.
	Workers int
}

// NoRobust as Options.Iterations disables the robustness iterations.
const NoRobust = -1

// Defaults (see the package doc for the reasons).
const (
	DefaultSpan       = 0.75
	DefaultDegree     = 2
	DefaultIterations = 3
	// gridPerWindow is the number of rank-spaced grid intervals spanned by
	// one local window with the default grid.
	gridPerWindow = 32
	// gridUniform bounds grid gaps to range/64 with the default grid.
	gridUniform = 64
)

// ErrTooFewPoints is returned when fewer usable points remain than a fit
// needs.
var ErrTooFewPoints = errors.New("loess: too few points")

// Curve is a fitted LOESS curve, evaluated at grid points and interpolated.
type Curve struct {
	gx, gy []float64
	gd     []float64 // slopes of the local fits at gx (see Slope)
	// Robustness holds the final bisquare weight of each input point (1 for
	// every point when no robustness iteration ran; NaN for skipped pairs).
	Robustness []float64
}

// At returns the curve at x by linear interpolation between the fitted grid
// points, and the value at the nearest end outside the fitted range. At(NaN)
// is NaN.
func (c *Curve) At(x float64) float64 {
	g := c.gx
	switch {
	case math.IsNaN(x):
		return math.NaN()
	case x <= g[0]:
		return c.gy[0]
	case x >= g[len(g)-1]:
		return c.gy[len(g)-1]
	}
	i, _ := slices.BinarySearch(g, x) // g[i-1] < x <= g[i]
	if g[i] == x {
		return c.gy[i]
	}
	f := (x - g[i-1]) / (g[i] - g[i-1])
	return c.gy[i-1] + f*(c.gy[i]-c.gy[i-1])
}

// AtSorted sets dst[i] = At(x[i]) for non-decreasing x (NaN only at the
// end, where At gives NaN), walking the grid once instead of searching it
// for every value: the same values as At, for the many-point evaluations
// of GC correction. It panics if len(dst) < len(x).
func (c *Curve) AtSorted(x, dst []float64) {
	g, n := c.gx, len(c.gx)
	dst = dst[:len(x)]
	i := 1 // g[i-1] < v <= g[i] for the current interior value v
	for k, v := range x {
		switch {
		case math.IsNaN(v):
			dst[k] = math.NaN()
			continue
		case v <= g[0]:
			dst[k] = c.gy[0]
			continue
		case v >= g[n-1]:
			dst[k] = c.gy[n-1]
			continue
		}
		for g[i] < v {
			i++
		}
		if g[i] == v {
			dst[k] = c.gy[i]
			continue
		}
		f := (v - g[i-1]) / (g[i] - g[i-1])
		dst[k] = c.gy[i-1] + f*(c.gy[i]-c.gy[i-1])
	}
}

// Slope returns the slope of the local polynomial fitted at the grid point
// nearest to x (at or below it): the LOESS derivative estimate, e.g. how
// fast the GC bias changes with GC content. NaN for NaN x.
func (c *Curve) Slope(x float64) float64 {
	if math.IsNaN(x) {
		return math.NaN()
	}
	i, found := slices.BinarySearch(c.gx, x)
	if !found && i > 0 {
		i--
	}
	return c.gd[min(i, len(c.gd)-1)]
}

// Grid returns copies of the evaluation points and the fitted values there.
func (c *Curve) Grid() (x, y []float64) {
	return slices.Clone(c.gx), slices.Clone(c.gy)
}

// Smooth fits a curve to (x, y) and returns its value at every x (NaN where
// x is not finite). Pairs with a non-finite x or y do not enter the fit.
func Smooth(x, y []float64, opt Options) ([]float64, error) {
	c, err := Fit(x, y, opt)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(x))
	for i, v := range x {
		if math.IsInf(v, 0) {
			v = math.NaN()
		}
		out[i] = c.At(v)
	}
	return out, nil
}

func (o Options) withDefaults() (Options, error) {
	if o.Span == 0 {
		o.Span = DefaultSpan
	}
	if o.Degree == 0 {
		o.Degree = DefaultDegree
	}
	switch {
	case o.Iterations == 0:
		o.Iterations = DefaultIterations
	case o.Iterations < 0:
		o.Iterations = 0
	}
	if !(o.Span > 0) || math.IsInf(o.Span, 0) {
		return o, fmt.Errorf("loess: span %v must be a positive fraction (e.g. 0.75)", o.Span)
	}
	if o.Degree != 1 && o.Degree != 2 {
		return o, fmt.Errorf("loess: degree %d not supported: use 1 or 2", o.Degree)
	}
	return o, nil
}

// Fit fits a robust LOESS curve to the pairs (x[i], y[i]); pairs with a
// non-finite value are ignored. It returns an error (never panics) if the
// lengths differ, the options are invalid, fewer than Degree+2 usable pairs
// remain (at least 3), or x takes fewer than Degree+1 distinct values.
func Fit(x, y []float64, opt Options) (*Curve, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if len(x) != len(y) {
		return nil, fmt.Errorf("loess: %d x values but %d y values: pass one y per x", len(x), len(y))
	}
	d := newData(x, y)
	n := len(d.x)
	if n < max(3, opt.Degree+2) {
		return nil, fmt.Errorf("%w: %d finite (x, y) pairs, need at least %d", ErrTooFewPoints, n, max(3, opt.Degree+2))
	}
	grid := d.grid(opt)
	if d.distinct < opt.Degree+1 {
		return nil, fmt.Errorf("%w: x takes %d distinct value(s), a degree-%d fit needs %d", ErrTooFewPoints, d.distinct, opt.Degree, opt.Degree+1)
	}
	// q = ⌊span·n⌋ (Cleveland 1979); 1e-9 keeps a product that should be an
	// integer (0.25·400) from rounding down to the integer below.
	q := int(math.Floor(math.Min(opt.Span, 1)*float64(n) + 1e-9))
	q = min(max(q, opt.Degree+2), n)
	f := &fitter{d: d, q: q, degree: opt.Degree, widen: math.Max(opt.Span, 1), ones: make([]float64, n)}
	for i := range f.ones {
		f.ones[i] = 1
	}
	c := &Curve{gx: grid, gy: make([]float64, len(grid)), gd: make([]float64, len(grid))}
	rw := make([]float64, n) // robustness weights, sorted order
	for i := range rw {
		rw[i] = 1
	}
	resid := make([]float64, n)
	scratch := make([]float64, n)
	for iter := 0; ; iter++ {
		f.evaluateParallel(grid, c.gy, c.gd, rw, opt.Workers)
		if iter == opt.Iterations {
			break
		}
		c.AtSorted(d.x, resid)
		for i, v := range resid {
			resid[i] = math.Abs(d.y[i] - v)
		}
		copy(scratch, resid)
		s := medianInPlace(scratch)
		// Stop when the fit is (numerically) exact: no residual scale to
		// robustify against.
		if !(s > 1e-12*d.yScale) {
			break
		}
		for i, r := range resid {
			u := r / (6 * s)
			if u >= 1 {
				rw[i] = 0
			} else {
				rw[i] = (1 - u*u) * (1 - u*u)
			}
		}
	}
	c.Robustness = make([]float64, len(x))
	for i := range c.Robustness {
		c.Robustness[i] = math.NaN()
	}
	for i, orig := range d.orig {
		c.Robustness[orig] = rw[i]
	}
	return c, nil
}

// medianInPlace returns the median of v (no NaN), reordering v; it runs in
// linear expected time by quickselect (Hoare 1961, CACM 4:321) with a
// median-of-three pivot, deterministic for a given v.
func medianInPlace(v []float64) float64 {
	n := len(v)
	hi := selectK(v, n/2)
	if n%2 == 1 {
		return hi
	}
	// The lower middle is the largest value left of position n/2.
	lo := v[0]
	for _, a := range v[1 : n/2] {
		lo = math.Max(lo, a)
	}
	return (lo + hi) / 2
}

// selectK reorders v so that v[k] holds the k-th smallest value, everything
// before it ≤ v[k] and everything after ≥ v[k], and returns v[k].
func selectK(v []float64, k int) float64 {
	lo, hi := 0, len(v)-1
	for hi > lo {
		mid := lo + (hi-lo)/2
		// Median of three as pivot, moved to v[hi].
		if v[mid] < v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] < v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[mid] < v[hi] {
			v[mid], v[hi] = v[hi], v[mid]
		}
		p := v[hi]
		// Three-way partition (Dijkstra) so that runs of equal residuals
		// cannot make it quadratic.
		lt, i, gt := lo, lo, hi
		for i <= gt {
			switch {
			case v[i] < p:
				v[lt], v[i] = v[i], v[lt]
				lt++
				i++
			case v[i] > p:
				v[i], v[gt] = v[gt], v[i]
				gt--
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt - 1
		case k > gt:
			lo = gt + 1
		default:
			return v[k]
		}
	}
	return v[k]
}
