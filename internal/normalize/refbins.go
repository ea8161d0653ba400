package normalize

import (
	"fmt"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// RefBinsOptions controls the choice of within-sample reference bins.
type RefBinsOptions struct {
	// K is the number of reference bins per bin. Their mean is subtracted
	// from the bin, which adds 1/K of a typical bin's variance: K = 100
	// costs 1%.
	K int
	// Dim is the number of leading dimensions of the cohort residual
	// profiles used to measure similarity (the rest is treated as
	// independent noise, see RefBins).
	Dim int
	// Exclude lists chromosome indices never used as reference bins (for
	// example those most often trisomic: 13, 18, 21).
	Exclude []int
	// Threads is the number of concurrent workers.
	Threads int
}

// DefaultRefBins are the defaults (see the field comments).
// Dim 4: after the leave-one-chromosome-out PCA the shared residual
// structure is small, and the exact search is fast in few dimensions.
var DefaultRefBins = RefBinsOptions{K: 100, Dim: 4, Exclude: []int{12, 17, 20}, Threads: 2}

// RefBins finds, for every column j of the cohort residual matrix r
// (samples × columns, log-ratio units) with chromosome chrom[j], the K
// columns on other chromosomes whose values across the cohort are closest
// (Euclidean distance between the columns).
//
// The distance is measured in the Dim leading dimensions of the residual
// decomposition, which carry the structure bins share; the remaining
// dimensions are independent noise, which says nothing about which bins
// behave alike (including its norm would make every bin choose the same
// few quietest bins). An exact k-d tree search finds the neighbours in
// O(p log p) instead of O(p²).
func RefBins(r *mat.Dense, chrom []int, opt RefBinsOptions) ([][]int32, error) {
	n, p := r.Dims()
	if len(chrom) != p {
		return nil, fmt.Errorf("normalize: %d chromosome labels for %d columns", len(chrom), p)
	}
	if opt.K < 1 {
		return nil, fmt.Errorf("normalize: reference bin count %d < 1", opt.K)
	}
	g := NewGram(r, opt.Threads)
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	vals, vecs, err := eigenDesc(g.centred(all, all))
	if err != nil {
		return nil, err
	}
	d := min(opt.Dim, n-1)
	for d > 0 && vals[d-1] <= 1e-12*vals[0] {
		d--
	}
	dim := max(d, 1)
	pts := make([]float64, p*dim)
	for c := 0; c < d; c++ {
		u := make([]float64, n)
		for k := range u {
			u[k] = vecs.At(k, c)
		}
		for k := 0; k < n; k++ {
			row := r.RawRowView(k)
			for j, v := range row {
				pts[j*dim+c] += u[k] * v
			}
		}
	}
	excl := map[int]bool{}
	for _, c := range opt.Exclude {
		excl[c] = true
	}
	var eligible []int
	for j := 0; j < p; j++ {
		if !excl[chrom[j]] {
			eligible = append(eligible, j)
		}
	}
	sub := make([]float64, len(eligible)*dim)
	for a, j := range eligible {
		copy(sub[a*dim:(a+1)*dim], pts[j*dim:(j+1)*dim])
	}
	tree := newKDTree(sub, dim)
	eligChrom := make([]int, len(eligible))
	for a, j := range eligible {
		eligChrom[a] = chrom[j]
	}
	out := make([][]int32, p)
	threads := max(opt.Threads, 1)
	var wg sync.WaitGroup
	for w := 0; w < threads; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var h maxHeap
			q := make([]float64, dim)
			for j := w; j < p; j += threads {
				copy(q, pts[j*dim:(j+1)*dim])
				cj := chrom[j]
				nb := tree.knn(q, opt.K, eligChrom, cj, &h)
				ids := make([]int32, len(nb))
				for a, x := range nb {
					ids[a] = int32(eligible[x.i])
				}
				out[j] = ids
			}
		}(w)
	}
	wg.Wait()
	return out, nil
}
