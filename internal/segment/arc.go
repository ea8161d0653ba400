package segment

import (
	"math"
	"slices"
)

// arcSearch finds the arc (i, j] of a segment maximizing the CBS statistic
//
//	Z²ᵢⱼ = (Pⱼ - Pᵢ)² · W / (w·(W - w)),  w = Wⱼ - Wᵢ,
//
// where Sᵢ and Wᵢ are the cumulative (weighted) sums and weights of the first
// i points, W = W_m, and Pᵢ = Sᵢ - (Wᵢ/W)·S_m. (Pⱼ - Pᵢ)/sqrt(w(W-w)/W) is the
// difference between the mean inside and outside the arc divided by its
// standard error for unit noise (Olshen et al. 2004, eq. 2.1). Arcs must
// leave every resulting piece with at least minSize points: j-i ≥ minSize,
// i = 0 or i ≥ minSize, j = m or m-j ≥ minSize.
//
// The search is exact but avoids most of the m²/2 pairs with the blocking
// idea of Venkatraman & Olshen (2007, Bioinformatics 23:657): indices are
// cut into blocks, every pair of blocks gets an upper bound from the range of
// P in each block and the smallest feasible standard error, and only block
// pairs whose bound beats the best statistic found so far are searched.
type arcSearch struct {
	p, w    []float64 // P and W, length m+1
	m       int
	minSize int
	wTot    float64
	minArcW float64 // smallest weight of minSize circularly consecutive points
}

// arc is a candidate split: the arc (I, J] in segment-local indices and its
// squared statistic for unit noise.
type arc struct {
	I, J int
	Z2   float64
}

// better orders candidates by statistic, then by position, so that results do
// not depend on the search order.
func (a arc) better(b arc) bool {
	if a.Z2 != b.Z2 {
		return a.Z2 > b.Z2
	}
	if a.I != b.I {
		return a.I < b.I
	}
	return a.J < b.J
}

// newArcSearch prepares the search for values x with weights w (nil: unit
// weights); the cumulative buffers p and cw (length ≥ len(x)+1) are reused.
func newArcSearch(x, w []float64, minSize int, p, cw []float64) *arcSearch {
	m := len(x)
	p, cw = p[:m+1], cw[:m+1]
	p[0], cw[0] = 0, 0
	for i, v := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		p[i+1] = p[i] + wi*v
		cw[i+1] = cw[i] + wi
	}
	s, wt := p[m], cw[m]
	for i := range p {
		p[i] -= cw[i] / wt * s
	}
	p[m] = 0
	a := &arcSearch{p: p, w: cw, m: m, minSize: minSize, wTot: wt}
	a.minArcW = math.Inf(1)
	if m < 2*minSize {
		return a // no feasible arc; best() reports none
	}
	for i := 0; i < m; i++ {
		e := i + minSize
		var aw float64
		if e <= m {
			aw = cw[e] - cw[i]
		} else {
			aw = wt - cw[i] + cw[e-m]
		}
		a.minArcW = math.Min(a.minArcW, aw)
	}
	return a
}

func (a *arcSearch) feasible(i, j int) bool {
	return j-i >= a.minSize && (i == 0 || i >= a.minSize) && (j == a.m || a.m-j >= a.minSize) && !(i == 0 && j == a.m)
}

func (a *arcSearch) z2(i, j int) float64 {
	d := a.p[j] - a.p[i]
	win := a.w[j] - a.w[i]
	v := win * (a.wTot - win)
	if !(v > 0) {
		return 0
	}
	return d * d * a.wTot / v
}

// best returns the arc with the largest statistic, or Z2 = 0 and ok false if
// no arc is feasible.
func (a *arcSearch) best() (arc, bool) {
	m := a.m
	if m < 2*a.minSize {
		return arc{}, false
	}
	// Block size √(m+1): about m block pairs to bound and √m² pairs inside
	// each, which balances the two costs (Venkatraman & Olshen 2007).
	bs := max(int(math.Sqrt(float64(m+1))), 1)
	nb := (m + bs) / bs // blocks over indices 0..m
	lo := make([]float64, nb)
	hi := make([]float64, nb)
	arg := make([][2]int, nb) // indices of the min and max of P per block
	for b := 0; b < nb; b++ {
		s, e := b*bs, min((b+1)*bs, m+1)
		lo[b], hi[b] = math.Inf(1), math.Inf(-1)
		for i := s; i < e; i++ {
			if a.p[i] < lo[b] {
				lo[b], arg[b][0] = a.p[i], i
			}
			if a.p[i] > hi[b] {
				hi[b], arg[b][1] = a.p[i], i
			}
		}
	}
	// Seed the best with the block extremes, a cheap and usually tight
	// lower bound.
	var top arc
	found := false
	try := func(i, j int) {
		if i > j {
			i, j = j, i
		}
		if !a.feasible(i, j) {
			return
		}
		c := arc{I: i, J: j, Z2: a.z2(i, j)}
		if !found || c.better(top) {
			top, found = c, true
		}
	}
	for b := 0; b < nb; b++ {
		for c := b; c < nb; c++ {
			for _, i := range arg[b] {
				for _, j := range arg[c] {
					try(i, j)
				}
			}
		}
	}
	type pair struct {
		b, c  int
		bound float64
	}
	pairs := make([]pair, 0, nb*(nb+1)/2)
	for b := 0; b < nb; b++ {
		for c := b; c < nb; c++ {
			if u, ok := a.bound(b, c, bs, lo, hi); ok {
				pairs = append(pairs, pair{b, c, u})
			}
		}
	}
	slices.SortStableFunc(pairs, func(x, y pair) int {
		switch {
		case x.bound > y.bound:
			return -1
		case x.bound < y.bound:
			return 1
		}
		return 0
	})
	for _, pr := range pairs {
		if found && pr.bound < top.Z2 {
			break
		}
		a.scan(pr.b, pr.c, bs, &top, &found)
	}
	return top, found
}

// bound returns an upper bound of Z² over feasible pairs with i in block b
// and j in block c (b ≤ c), and false if the blocks hold no feasible pair.
func (a *arcSearch) bound(b, c, bs int, lo, hi []float64) (float64, bool) {
	m := a.m
	i0, i1 := b*bs, min((b+1)*bs, m+1)-1
	j0, j1 := c*bs, min((c+1)*bs, m+1)-1
	kmax := min(j1-i0, m-a.minSize)
	if kmax < a.minSize || kmax < j0-i1 {
		return 0, false
	}
	d := math.Max(hi[c]-lo[b], hi[b]-lo[c])
	// Smallest and largest arc weight the blocks allow; the variance
	// w(W-w)/W is concave in w, so its minimum is at one of the ends.
	wLo := math.Max(a.w[j0]-a.w[i1], a.minArcW)
	wHi := math.Min(a.w[j1]-a.w[i0], a.wTot-a.minArcW)
	if wHi < wLo {
		wHi = wLo
	}
	v := math.Min(wLo*(a.wTot-wLo), wHi*(a.wTot-wHi))
	if !(v > 0) {
		return math.Inf(1), true
	}
	return d * d * a.wTot / v, true
}

// scan searches all pairs with i in block b and j in block c exhaustively.
func (a *arcSearch) scan(b, c, bs int, top *arc, found *bool) {
	m := a.m
	i0, i1 := b*bs, min((b+1)*bs, m+1)
	j0, j1 := c*bs, min((c+1)*bs, m+1)
	for i := i0; i < i1; i++ {
		if i != 0 && i < a.minSize {
			continue
		}
		pi, wi := a.p[i], a.w[i]
		for j := max(j0, i+a.minSize); j < j1; j++ {
			if j != m && m-j < a.minSize || (i == 0 && j == m) {
				continue
			}
			d := a.p[j] - pi
			win := a.w[j] - wi
			v := win * (a.wTot - win)
			if !(v > 0) {
				continue
			}
			z2 := d * d * a.wTot / v
			if z2 < top.Z2 {
				continue
			}
			cand := arc{I: i, J: j, Z2: z2}
			if !*found || cand.better(*top) {
				*top, *found = cand, true
			}
		}
	}
}
