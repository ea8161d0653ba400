package segment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/nipt/nipt/internal/stats"
)

// Options controls CBS. The zero value selects the documented defaults.
type Options struct {
	// Alpha is the significance level for accepting a split (0 selects
	// 0.01, DNAcopy's default).
	Alpha float64
	// MinSize is the minimum number of (non-masked) points per segment
	// (0 selects 2, DNAcopy's min.width default, which keeps a single
	// outlying bin from becoming a segment).
	MinSize int
	// Permutations > 0 computes the p-value of each split from that many
	// seeded permutations instead of the Siegmund approximation (default 0:
	// approximate, see the package doc), at about Permutations times the
	// cost. The edge-effect check of a two-cut arc always uses the
	// approximation.
	Permutations int
	// Seed seeds the permutations (ignored without them).
	Seed uint64
	// Weights, when not nil, gives each point an inverse-variance weight
	// (len(Weights) == len(x)); a point with weight 0 is masked like NaN.
	Weights []float64
	// UndoSD > 0 merges, after segmentation, adjacent segments whose means
	// differ by less than UndoSD noise SDs, smallest difference first
	// (DNAcopy's undo.splits = "sdundo").
	UndoSD float64
	// SD is the noise standard deviation of a unit-weight point; 0 selects a
	// robust estimate from first differences (see the package doc).
	SD float64
}

// Defaults (see Options).
const (
	DefaultAlpha   = 0.01
	DefaultMinSize = 2
)

// Segment is a run of positions with a common mean. Start and End (half
// open) index the input; segments returned by CBS tile [0, len(x)) in
// order. Masked positions (NaN, ±Inf or zero weight) belong to the segment
// on their left (the first segment for leading ones) and do not count in
// Mean or N.
type Segment struct {
	Start, End int
	// Mean is the (weighted) mean of the segment's unmasked points; NaN if
	// it has none.
	Mean float64
	// N is the number of unmasked points.
	N int
}

// Result holds the segments with the quantities CBS estimated.
type Result struct {
	Segments []Segment
	// SD is the noise SD used for the tests (estimated or Options.SD).
	SD float64
}

// CBS segments x by circular binary segmentation and returns segments tiling
// [0, len(x)). Masked points (NaN, ±Inf, zero weight) are skipped; an input
// with no unmasked point gives one segment with Mean NaN and N 0, and an
// empty input gives no segments. Bad options or weights give an error.
func CBS(x []float64, opt Options) ([]Segment, error) {
	r, err := Run(x, opt)
	if err != nil {
		return nil, err
	}
	return r.Segments, nil
}

// Run is CBS returning also the noise SD it used.
func Run(x []float64, opt Options) (*Result, error) {
	opt, err := opt.withDefaults(len(x))
	if err != nil {
		return nil, err
	}
	if len(x) == 0 {
		return &Result{SD: math.NaN()}, nil
	}
	// Compress to the unmasked points, remembering their positions.
	pos := make([]int, 0, len(x))
	for i, v := range x {
		if isFinite(v) && (opt.Weights == nil || opt.Weights[i] > 0) {
			pos = append(pos, i)
		}
	}
	if len(pos) == 0 {
		return &Result{Segments: []Segment{{Start: 0, End: len(x), Mean: math.NaN()}}, SD: math.NaN()}, nil
	}
	cx := make([]float64, len(pos))
	var cw []float64
	if opt.Weights != nil {
		cw = make([]float64, len(pos))
	}
	for k, i := range pos {
		cx[k] = x[i]
		if cw != nil {
			cw[k] = opt.Weights[i]
		}
	}
	sd := opt.SD
	if sd == 0 {
		sd = noiseSD(cx, cw)
	}
	bounds := split(cx, cw, sd, opt)
	bounds = polish(cx, cw, bounds, floorSD(cx, sd), opt)
	if opt.UndoSD > 0 {
		bounds = undo(cx, cw, bounds, opt.UndoSD*sd)
	}
	segs := make([]Segment, len(bounds)-1)
	for s := range segs {
		a, b := bounds[s], bounds[s+1]
		start, end := 0, len(x)
		if a > 0 {
			start = pos[a]
		}
		if b < len(pos) {
			end = pos[b]
		}
		mean, _ := weightedMean(cx[a:b], sliceOrNil(cw, a, b))
		segs[s] = Segment{Start: start, End: end, Mean: mean, N: b - a}
	}
	return &Result{Segments: segs, SD: sd}, nil
}

func (o Options) withDefaults(n int) (Options, error) {
	if o.Alpha == 0 {
		o.Alpha = DefaultAlpha
	}
	if o.MinSize == 0 {
		o.MinSize = DefaultMinSize
	}
	switch {
	case !(o.Alpha > 0 && o.Alpha < 1):
		return o, fmt.Errorf("segment: alpha %v must lie in (0, 1), e.g. 0.01", o.Alpha)
	case o.MinSize < 1:
		return o, fmt.Errorf("segment: minimum segment size %d must be at least 1", o.MinSize)
	case o.Permutations < 0:
		return o, fmt.Errorf("segment: %d permutations: use 0 for the approximate p-value or a positive count", o.Permutations)
	case o.UndoSD < 0 || math.IsNaN(o.UndoSD):
		return o, fmt.Errorf("segment: UndoSD %v must be ≥ 0", o.UndoSD)
	case o.SD < 0 || math.IsNaN(o.SD) || math.IsInf(o.SD, 0):
		return o, fmt.Errorf("segment: noise SD %v must be a finite value ≥ 0 (0 = estimate)", o.SD)
	}
	if o.Weights != nil {
		if len(o.Weights) != n {
			return o, fmt.Errorf("segment: %d weights for %d points: pass one weight per point or none", len(o.Weights), n)
		}
		for i, w := range o.Weights {
			if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
				return o, fmt.Errorf("segment: weight %v at index %d: weights must be finite and ≥ 0", w, i)
			}
		}
	}
	return o, nil
}

// buffers are scratch slices reused across the recursion.
type buffers struct {
	p, w, px, pw []float64
}

// split runs the recursive binary segmentation on the compressed values and
// returns the sorted segment boundaries (0, …, len(x)).
func split(x, w []float64, sd float64, opt Options) []int {
	n := len(x)
	buf := &buffers{p: make([]float64, n+1), w: make([]float64, n+1)}
	if opt.Permutations > 0 {
		buf.px = make([]float64, n)
		buf.pw = make([]float64, n)
	}
	sd = floorSD(x, sd)
	bounds := []int{0, n}
	stack := [][2]int{{0, n}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		a, b := s[0], s[1]
		if b-a < 2*opt.MinSize {
			continue // too short to leave two pieces of MinSize
		}
		sx := x[a:b]
		sw := sliceOrNil(w, a, b)
		as := newArcSearch(sx, sw, opt.MinSize, buf.p, buf.w)
		c, ok := as.best()
		if !ok || c.Z2 == 0 {
			continue
		}
		z := math.Sqrt(c.Z2) / sd
		var p float64
		if opt.Permutations > 0 {
			rng := rand.New(rand.NewPCG(opt.Seed, uint64(a)<<32|uint64(b)))
			p = permPValue(sx, sw, opt.MinSize, c.Z2, opt.Permutations, opt.Alpha, rng, buf)
		} else {
			p = approxPValue(z, b-a, opt.MinSize)
		}
		if !(p < opt.Alpha) {
			continue
		}
		cuts := []int{a}
		for _, cut := range keepCuts(sx, sw, c, sd, opt) {
			cuts = append(cuts, a+cut)
		}
		cuts = append(cuts, b)
		for k := len(cuts) - 1; k >= 1; k-- {
			stack = append(stack, [2]int{cuts[k-1], cuts[k]})
		}
		bounds = append(bounds, cuts[1:len(cuts)-1]...)
	}
	slices.Sort(bounds)
	return bounds
}

// floorSD keeps the noise SD used in tests above 1e-9 of the data scale: an
// SD of exactly zero (constant pieces) would turn rounding error into
// infinite significance; 1e-9 of the scale is far above rounding and far
// below any real jump.
func floorSD(x []float64, sd float64) float64 {
	scale := 0.0
	for _, v := range x {
		scale = math.Max(scale, math.Abs(v))
	}
	return math.Max(sd, 1e-9*math.Max(scale, 1e-300))
}

// noiseSD estimates the SD of a unit-weight point from consecutive
// differences, which cancel the segment means except at the few change
// points: dᵢ = (xᵢ₊₁ - xᵢ)/sqrt(1/wᵢ + 1/wᵢ₊₁) has SD σ under the model, and
// its biweight scale resists both outliers and the differences that straddle
// a change point. When more than half the differences are exactly zero
// (ties, e.g. integer data) that scale is 0, and the classical SD of the
// differences is used instead; with fewer than three points, the SD of x.
func noiseSD(x, w []float64) float64 {
	if len(x) < 3 {
		_, sd := stats.MeanSD(x)
		if math.IsNaN(sd) {
			return 0
		}
		return sd
	}
	d := make([]float64, len(x)-1)
	for i := range d {
		v := 2.0
		if w != nil {
			v = 1/w[i] + 1/w[i+1]
		}
		d[i] = (x[i+1] - x[i]) / math.Sqrt(v)
	}
	s := stats.BiweightScale(d)
	if s == 0 {
		// MeanSD's SD is about the mean difference, ≈ 0 without a trend;
		// the root mean square about zero is the model's estimator.
		ss := 0.0
		for _, v := range d {
			ss += v * v
		}
		s = math.Sqrt(ss / float64(len(d)))
	}
	if math.IsNaN(s) {
		return 0
	}
	return s
}

func weightedMean(x, w []float64) (mean, weight float64) {
	var s, sw float64
	for i, v := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		s += wi * v
		sw += wi
	}
	if sw == 0 {
		return math.NaN(), 0
	}
	return s / sw, sw
}

func sliceOrNil(w []float64, a, b int) []float64 {
	if w == nil {
		return nil
	}
	return w[a:b]
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// keepCuts returns the cut points of a significant arc (I, J] of x. An arc
// touching an end of the segment gives its single interior cut. An arc with
// two interior cuts is the edge-effect case of Olshen et al. (2004) and
// DNAcopy: the circular statistic can pair a real change point with a cut
// near the far end, where the points left outside the arc happen to resemble
// the distant outer piece. DNAcopy keeps each cut only if a two-sample test
// of the pieces on either side of it is significant. nipt judges that
// two-sample |Z| by the same maximal-arc p-value (approxPValue) that the
// recursion would apply to the stretch the cut divides ([0, J) for I, [I, m)
// for J) had the cut been left for it: a cut is kept only if it is as
// significant as it would have to be when found later, so a ride-along cut
// gains nothing from its partner. The arc being significant, at least one
// cut is kept: the one with the smaller p-value. Dropped real change points
// are found by the recursion.
func keepCuts(x, w []float64, c arc, sd float64, opt Options) []int {
	m := len(x)
	if c.I == 0 {
		return []int{c.J}
	}
	if c.J == m {
		return []int{c.I}
	}
	pI := approxPValue(twoSampleZ(x, w, 0, c.I, c.J, sd), c.J, opt.MinSize)
	pJ := approxPValue(twoSampleZ(x, w, c.I, c.J, m, sd), m-c.I, opt.MinSize)
	switch {
	case pI < opt.Alpha && pJ < opt.Alpha:
		return []int{c.I, c.J}
	case pI <= pJ:
		return []int{c.I}
	default:
		return []int{c.J}
	}
}

// twoSampleZ is the |z| statistic comparing the (weighted) means of x[a:b]
// and x[b:e] with noise SD sd for a unit-weight point.
func twoSampleZ(x, w []float64, a, b, e int, sd float64) float64 {
	m1, w1 := weightedMean(x[a:b], sliceOrNil(w, a, b))
	m2, w2 := weightedMean(x[b:e], sliceOrNil(w, b, e))
	if w1 == 0 || w2 == 0 {
		return 0
	}
	return math.Abs(m1-m2) / (sd * math.Sqrt(1/w1+1/w2))
}
