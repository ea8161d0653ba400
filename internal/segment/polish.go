package segment

import "math"

// maxMovePasses bounds the sweeps that move boundaries; each sweep either
// moves a boundary or ends the loop, and in practice two or three suffice.
const maxMovePasses = 20

// polish revisits every boundary of a finished segmentation (sorted
// boundaries over the compressed values x). Recursive segmentation never
// moves a cut once made, so a boundary placed while a segment still held
// other changes can sit a few points off the change it now separates (e.g. a
// cut driven by a weak long-range level difference, landing next to a sharp
// CNV edge), or split off a sliver that rode along with a real change.
//
// It alternates two steps. Move: every boundary goes to the best single cut
// (at least minSize points each side) of the union of its two neighbouring
// segments, sweeping left to right until nothing moves. Merge: with the
// boundaries in place, each union holds at most one change if the
// segmentation is right, so its best cut is tested as a single change point
// at unknown position (scanPValue over the union's length, the calibrated
// test for that question); the least significant boundary is removed if it
// fails at Alpha, and both steps repeat (backward elimination). The arc
// p-value would be the wrong yardstick here: it prices in a second change
// point that the union does not have, and so would merge the edge of a
// real CNV whose contrast with one neighbour is modest.
func polish(x, w []float64, bounds []int, sd float64, opt Options) []int {
	n := len(x)
	cs := make([]float64, n+1) // cumulative weighted sums
	cw := make([]float64, n+1) // cumulative weights
	for i, v := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		cs[i+1] = cs[i] + wi*v
		cw[i+1] = cw[i] + wi
	}
	for len(bounds) > 2 {
		for pass := 0; pass < maxMovePasses; pass++ {
			moved := false
			for k := 1; k+1 < len(bounds); k++ {
				if t, _ := bestCut(cs, cw, bounds[k-1], bounds[k+1], opt.MinSize); t >= 0 && t != bounds[k] {
					bounds[k] = t
					moved = true
				}
			}
			if !moved {
				break
			}
		}
		worst, worstP := -1, -1.0
		for k := 1; k+1 < len(bounds); k++ {
			a, c := bounds[k-1], bounds[k+1]
			p := 1.0
			if t, z := bestCut(cs, cw, a, c, opt.MinSize); t >= 0 {
				p = scanPValue(z/sd, c-a, opt.MinSize)
			}
			if p > worstP {
				worst, worstP = k, p
			}
		}
		if worstP < opt.Alpha {
			break
		}
		bounds = append(bounds[:worst], bounds[worst+1:]...)
	}
	return bounds
}

// bestCut returns the cut t in (a, c), with at least minSize points on each
// side, maximizing the two-sample |Z| (unit noise) of x[a:t] against x[t:c],
// and that |Z|; t = -1 if no cut is allowed. Ties go to the leftmost cut.
func bestCut(cs, cw []float64, a, c, minSize int) (int, float64) {
	best, bestZ := -1, -1.0
	sTot, wTot := cs[c]-cs[a], cw[c]-cw[a]
	for t := a + minSize; t <= c-minSize; t++ {
		s1, w1 := cs[t]-cs[a], cw[t]-cw[a]
		w2 := wTot - w1
		if w1 <= 0 || w2 <= 0 {
			continue
		}
		d := s1/w1 - (sTot-s1)/w2
		z := math.Abs(d) / math.Sqrt(1/w1+1/w2)
		if z > bestZ {
			best, bestZ = t, z
		}
	}
	return best, bestZ
}
