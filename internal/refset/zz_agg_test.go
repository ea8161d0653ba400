package refset

import (
	"math"
	"testing"

	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/normalize"
	"gonum.org/v1/gonum/mat"
)

func TestAggPCA(t *testing.T) {
	ref, err := ReadFile("/tmp/val/ref.niptref")
	if err != nil {
		t.Skip(err)
	}
	var x [][]float64
	for i, st := range ref.Status {
		if !st.Used {
			continue
		}
		row := make([]float64, len(ref.Auto))
		for a, j := range ref.Auto {
			row[a] = logRatio(float64(ref.Samples[i].Rel[j]), ref.Median[j])
		}
		x = append(x, row)
	}
	w := ref.PCA.Weight
	y := normalize.Whiten(x, w)
	n, p := y.Dims()
	mean := make([]float64, p)
	for i := 0; i < n; i++ {
		for a, v := range y.RawRowView(i) {
			mean[a] += v / float64(n)
		}
	}
	yc := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		for a, v := range y.RawRowView(i) {
			yc.Set(i, a, v-mean[a])
		}
	}
	chrom := make([]int, p)
	for a, j := range ref.Auto {
		chrom[a], _, _ = ref.Layout.Locate(int(j))
	}
	c, _ := counts.ReadFile("/tmp/val/cohort/TEST038.counts")
	s, _ := ref.Normalize(c)
	l := ref.Layout
	region := func(res []float64) float64 {
		var v float64
		n := 0
		for a, j := range ref.Auto {
			if int(j) >= l.Offset[9]+310 && int(j) < l.Offset[9]+343 {
				v += res[a]
				n++
			}
		}
		return v / float64(n)
	}
	for _, blk := range []int{1, 5, 20} {
		// aggregated Gram
		var cols [][]float64
		for a := 0; a < p; a += blk {
			col := make([]float64, n)
			for b := a; b < a+blk && b < p; b++ {
				for i := 0; i < n; i++ {
					col[i] += yc.At(i, b)
				}
			}
			cols = append(cols, col)
		}
		g := mat.NewSymDense(n, nil)
		for i := 0; i < n; i++ {
			for k := i; k < n; k++ {
				var sum float64
				for _, col := range cols {
					sum += col[i] * col[k]
				}
				g.SetSym(i, k, sum)
			}
		}
		var e mat.EigenSym
		e.Factorize(g, true)
		var vec mat.Dense
		e.VectorsTo(&vec)
		for _, K := range []int{5, 10, 23} {
			// top K eigvecs (last K columns)
			U := mat.NewDense(n, K, nil)
			for k := 0; k < K; k++ {
				for i := 0; i < n; i++ {
					U.Set(i, k, vec.At(i, n-1-k))
				}
			}
			var W mat.Dense
			W.Mul(yc.T(), U) // p x K
			var qr mat.QR
			qr.Factorize(&W)
			var Q mat.Dense
			qr.QTo(&Q)
			comps := make([][]float64, K)
			for k := 0; k < K; k++ {
				comps[k] = make([]float64, p)
				for a := 0; a < p; a++ {
					comps[k][a] = Q.At(a, k)
				}
			}
			gm := normalize.NewGroupModel(normalize.Basis{Components: comps, Weight: w, Mean: mean}, chrom, genome.ChrX)
			res, _ := gm.Residual(s.Raw, nil)
			t.Logf("blk %d K %d region %.4f", blk, K, region(res))
		}
	}
	_ = math.Abs
}
