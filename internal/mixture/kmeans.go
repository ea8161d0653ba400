package mixture

import (
	"math/rand/v2"
)

// lloydIterations bounds the k-means refinement of the k-means++ seeds; EM
// does the rest, so a rough partition suffices (Lloyd converges in a few
// passes on well-separated data).
const lloydIterations = 20

// kmeansInit seeds k centers by k-means++ (Arthur & Vassilvitskii 2007) on
// pts, refines them with Lloyd iterations and returns the cluster of each
// point and the number of clusters (fewer than k if pts has fewer distinct
// points). Cluster labels are 0…kk-1.
func kmeansInit(pts [][]float64, k int, rng *rand.Rand) (assign []int, kk int) {
	n := len(pts)
	centers := make([][]float64, 0, k)
	centers = append(centers, clone(pts[rng.IntN(n)]))
	d2 := make([]float64, n)
	for i, p := range pts {
		d2[i] = dist2(p, centers[0])
	}
	for len(centers) < k {
		total := 0.0
		for _, v := range d2 {
			total += v
		}
		if total == 0 {
			break // every point coincides with a center
		}
		u := rng.Float64() * total
		pick := -1
		for i, v := range d2 {
			if v == 0 {
				continue
			}
			pick = i
			u -= v
			if u < 0 {
				break
			}
		}
		c := clone(pts[pick])
		centers = append(centers, c)
		for i, p := range pts {
			d2[i] = min(d2[i], dist2(p, c))
		}
	}
	kk = len(centers)
	assign = make([]int, n)
	counts := make([]int, kk)
	sums := make([][]float64, kk)
	for j := range sums {
		sums[j] = make([]float64, len(pts[0]))
	}
	for it := 0; it < lloydIterations; it++ {
		changed := false
		for i, p := range pts {
			best, bd := 0, dist2(p, centers[0])
			for j := 1; j < kk; j++ {
				if d := dist2(p, centers[j]); d < bd {
					best, bd = j, d
				}
			}
			if it == 0 || assign[i] != best {
				changed = true
			}
			assign[i] = best
		}
		if !changed {
			break
		}
		for j := range centers {
			counts[j] = 0
			for t := range sums[j] {
				sums[j][t] = 0
			}
		}
		for i, p := range pts {
			j := assign[i]
			counts[j]++
			for t, v := range p {
				sums[j][t] += v
			}
		}
		for j := range centers {
			if counts[j] == 0 {
				continue // keeps its place; an empty cluster is dropped below
			}
			for t := range centers[j] {
				centers[j][t] = sums[j][t] / float64(counts[j])
			}
		}
	}
	// Relabel to drop empty clusters.
	for j := range counts {
		counts[j] = 0
	}
	for _, a := range assign {
		counts[a]++
	}
	relabel := make([]int, kk)
	next := 0
	for j, c := range counts {
		if c > 0 {
			relabel[j] = next
			next++
		}
	}
	for i, a := range assign {
		assign[i] = relabel[a]
	}
	return assign, next
}

func dist2(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s
}

func clone(a []float64) []float64 { return append([]float64(nil), a...) }
