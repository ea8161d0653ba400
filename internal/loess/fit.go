package loess

import (
	"math"
	"slices"
	"sync"
)

// data holds the finite pairs sorted by x, with their original indices.
type data struct {
	x, y     []float64
	orig     []int
	distinct int     // number of distinct x values
	yScale   float64 // mean |y|, the scale for "exact fit" checks
}

func newData(x, y []float64) *data {
	type pt struct {
		x, y float64
		i    int
	}
	pts := make([]pt, 0, len(x))
	for i := range x {
		if finite(x[i]) && finite(y[i]) {
			pts = append(pts, pt{x[i], y[i], i})
		}
	}
	// Ties in x keep input order (the index breaks them), so the result is
	// the same as a stable sort, but faster.
	slices.SortFunc(pts, func(a, b pt) int {
		switch {
		case a.x < b.x:
			return -1
		case a.x > b.x:
			return 1
		}
		return a.i - b.i
	})
	n := len(pts)
	d := &data{x: make([]float64, n), y: make([]float64, n), orig: make([]int, n)}
	for i, p := range pts {
		d.x[i], d.y[i], d.orig[i] = p.x, p.y, p.i
		d.yScale += math.Abs(p.y)
		if i == 0 || d.x[i] != d.x[i-1] {
			d.distinct++
		}
	}
	if n > 0 {
		d.yScale /= float64(n)
	}
	return d
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// grid returns the sorted evaluation points: every distinct x for a direct
// fit, or when the grid would not be smaller; otherwise points at evenly
// spaced ranks (so that each local window holds many grid intervals wherever
// the data are dense), with every gap wider than range/maxGaps cut into
// equal parts no wider than that (so that sparse tails are covered too).
// The ends min(x) and max(x) are always included.
func (d *data) grid(opt Options) []float64 {
	n := len(d.x)
	byRank, maxGaps := opt.Grid, opt.Grid
	if opt.Grid == 0 {
		byRank = int(math.Ceil(gridPerWindow/math.Min(opt.Span, 1))) + 1
		maxGaps = gridUniform
	}
	if opt.Grid < 0 || byRank >= d.distinct {
		out := make([]float64, 0, d.distinct)
		for i, v := range d.x {
			if i == 0 || v != d.x[i-1] {
				out = append(out, v)
			}
		}
		return out
	}
	byRank, maxGaps = max(byRank, 2), max(maxGaps, 1)
	lo, hi := d.x[0], d.x[n-1]
	widest := (hi - lo) / float64(maxGaps)
	out := make([]float64, 0, byRank+maxGaps)
	out = append(out, lo)
	for k := 1; k < byRank; k++ {
		v := d.x[int(math.Round(float64(k)*float64(n-1)/float64(byRank-1)))]
		prev := out[len(out)-1]
		if v == prev {
			continue
		}
		if gap := v - prev; gap > widest {
			parts := int(math.Ceil(gap / widest))
			for p := 1; p < parts; p++ {
				out = append(out, prev+gap*float64(p)/float64(parts))
			}
		}
		out = append(out, v)
	}
	return out
}

// evaluateParallel splits the grid into contiguous chunks, one per worker.
func (f *fitter) evaluateParallel(gx, gy, gd, rw []float64, workers int) {
	workers = min(max(workers, 1), len(gx))
	if workers == 1 {
		f.evaluate(gx, gy, gd, rw)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		a, b := w*len(gx)/workers, (w+1)*len(gx)/workers
		wg.Go(func() { f.evaluate(gx[a:b], gy[a:b], gd[a:b], rw) })
	}
	wg.Wait()
}

// fitter evaluates local regressions on sorted data.
type fitter struct {
	d      *data
	q      int     // points per local window
	degree int     // 1 or 2
	widen  float64 // factor applied to h (span > 1)
	ones   []float64
}

// evaluate fits the local regression at each (increasing) grid point gx and
// stores the fitted values in gy and the local slopes in gd, using robustness
// weights rw.
func (f *fitter) evaluate(gx, gy, gd, rw []float64) {
	x := f.d.x
	n := len(x)
	lo := 0
	for k, x0 := range gx {
		// Slide the window of the q nearest neighbours of x0 to the right
		// while the point leaving on the left is farther than the one
		// entering on the right.
		for lo+f.q < n && x0-x[lo] > x[lo+f.q]-x0 {
			lo++
		}
		hi := lo + f.q // exclusive
		h := math.Max(x0-x[lo], x[hi-1]-x0) * f.widen
		gy[k], gd[k] = f.local(x0, h, lo, hi, rw)
	}
}

// local returns the fitted value and slope at x0 of the weighted polynomial
// regression on points [lo, hi) with tricube bandwidth h and robustness
// weights rw.
func (f *fitter) local(x0, h float64, lo, hi int, rw []float64) (v, slope float64) {
	if h == 0 {
		// More than q observations share x0: the fit is their (robustly
		// weighted) mean, with no slope information.
		return f.tiedMean(x0, rw), 0
	}
	v, slope, ok := f.wls(x0, h, lo, hi, rw)
	if !ok {
		// Every point of the window was rejected by the robustness
		// weights: fall back to the kernel weights alone.
		v, slope, _ = f.wls(x0, h, lo, hi, nil)
	}
	return v, slope
}

// wls solves the local weighted least squares problem in u = (x-x0)/h and
// returns the polynomial's value and slope (per unit x) at x0; a nil rw means
// unit robustness weights. ok is false if all weights are zero.
func (f *fitter) wls(x0, h float64, lo, hi int, rw []float64) (v, slope float64, ok bool) {
	x, y := f.d.x[lo:hi], f.d.y[lo:hi]
	if rw == nil {
		rw = f.ones[lo:hi]
	} else {
		rw = rw[lo:hi]
	}
	rw = rw[:len(x)]
	y = y[:len(x)]
	inv := 1 / h
	// Every point of the window has |u| ≤ 1 by construction of h (the
	// farthest gets tricube weight exactly 0), so no range test is needed.
	var s0, s1, s2, s3, s4, t0, t1, t2 float64
	if f.degree == 2 {
		for i, xi := range x {
			u := (xi - x0) * inv
			a := math.Abs(u)
			c := 1 - a*a*a
			w := c * c * c * rw[i]
			wu := w * u
			wu2 := wu * u
			wu3 := wu2 * u
			yi := y[i]
			s0 += w
			s1 += wu
			s2 += wu2
			s3 += wu3
			s4 += wu3 * u
			t0 += w * yi
			t1 += wu * yi
			t2 += wu2 * yi
		}
	} else {
		for i, xi := range x {
			u := (xi - x0) * inv
			a := math.Abs(u)
			c := 1 - a*a*a
			w := c * c * c * rw[i]
			wu := w * u
			yi := y[i]
			s0 += w
			s1 += wu
			s2 += wu * u
			t0 += w * yi
			t1 += wu * yi
		}
	}
	quad := f.degree == 2
	if s0 == 0 {
		return 0, 0, false
	}
	if quad {
		// Cramer's rule on the 3×3 normal equations; fall back to a local
		// line when they are numerically singular (fewer than 3 distinct x
		// carry weight). The relative threshold is far above rounding error
		// (≈1e-16) and far below any genuine spread of u in [-1, 1].
		det := s0*(s2*s4-s3*s3) - s1*(s1*s4-s2*s3) + s2*(s1*s3-s2*s2)
		if det > 1e-10*s0*s2*s4 {
			b0 := t0*(s2*s4-s3*s3) - s1*(t1*s4-s3*t2) + s2*(t1*s3-s2*t2)
			b1 := s0*(t1*s4-t2*s3) - t0*(s1*s4-s2*s3) + s2*(s1*t2-s2*t1)
			return b0 / det, b1 / det / h, true
		}
	}
	det := s0*s2 - s1*s1
	if det > 1e-10*s0*s2 {
		return (t0*s2 - s1*t1) / det, (s0*t1 - s1*t0) / det / h, true
	}
	return t0 / s0, 0, true
}

// tiedMean returns the mean of the y values at x == x0, weighted by rw when
// those weights are not all zero.
func (f *fitter) tiedMean(x0 float64, rw []float64) float64 {
	x, y := f.d.x, f.d.y
	first, _ := slices.BinarySearch(x, x0)
	var sw, swy, s, c float64
	for i := first; i < len(x) && x[i] == x0; i++ {
		sw += rw[i]
		swy += rw[i] * y[i]
		s += y[i]
		c++
	}
	if sw > 0 {
		return swy / sw
	}
	return s / c
}
