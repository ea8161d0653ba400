package normalize

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/nipt/nipt/internal/parallel"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// PCA is a principal-component noise model of a reference cohort's
// whitened log-ratio profiles over a fixed set of bins (columns).
type PCA struct {
	// Weight is the whitening weight ω of each column (x is multiplied by
	// ω before the decomposition).
	Weight []float64
	// Mean is the cohort mean of each whitened column.
	Mean []float64
	// Components holds the K leading unit vectors (each of len(Weight)) in
	// whitened space, largest variance first.
	Components [][]float64
	// Eigenvalues lists the variance (sum of squares over samples) of every
	// component of the cohort, largest first (for the scree report).
	Eigenvalues []float64
}

// Gram holds the sample × sample inner products of the whitened profiles
// of a cohort: the only object the decomposition and its cross-validation
// need besides linear functionals of the profiles.
type Gram struct {
	N int
	G *mat.SymDense // raw (uncentred) inner products y_a·y_b
}

// Whiten returns the rows of x (samples × columns) multiplied by w.
func Whiten(x [][]float64, w []float64) *mat.Dense {
	n, p := len(x), len(w)
	y := mat.NewDense(n, p, nil)
	for i, row := range x {
		r := y.RawRowView(i)
		for j, v := range row {
			r[j] = v * w[j]
		}
	}
	return y
}

// NewGram computes the Gram matrix of the rows of y on up to threads
// goroutines. Every entry is the same dot product (floats.Dot) that BLAS
// Dsyrk computes for it, so the result does not depend on the thread count
// and equals SymDense.SymOuterK's.
func NewGram(y *mat.Dense, threads int) *Gram {
	n, _ := y.Dims()
	g := mat.NewSymDense(n, nil)
	_ = parallel.ForEach(context.Background(), n, threads, func(_ context.Context, i int) error {
		ri := y.RawRowView(i)
		for j := i; j < n; j++ {
			g.SetSym(i, j, floats.Dot(ri, y.RawRowView(j)))
		}
		return nil
	})
	return &Gram{N: n, G: g}
}

// centred returns the Gram matrix of the rows listed in rows, centred on
// the mean of the rows listed in train (rows and train index the cohort).
func (g *Gram) centred(rows, train []int) *mat.Dense {
	nt := float64(len(train))
	rowMean := make([]float64, len(rows)) // mean over train of G[r, t]
	for a, r := range rows {
		var s float64
		for _, t := range train {
			s += g.G.At(r, t)
		}
		rowMean[a] = s / nt
	}
	var grand float64
	for _, t := range train {
		for _, u := range train {
			grand += g.G.At(t, u)
		}
	}
	grand /= nt * nt
	// Means over train of each train column, needed for the (r, t) entries.
	out := mat.NewDense(len(rows), len(rows), nil)
	for a, r := range rows {
		for b, s := range rows {
			out.Set(a, b, g.G.At(r, s)-rowMean[a]-rowMean[b]+grand)
		}
	}
	return out
}

// eigenDesc returns the eigenvalues (descending) and eigenvectors (columns)
// of the symmetric matrix m.
func eigenDesc(m *mat.Dense) ([]float64, *mat.Dense, error) {
	n, _ := m.Dims()
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (m.At(i, j)+m.At(j, i))/2)
		}
	}
	var e mat.EigenSym
	if !e.Factorize(s, true) {
		return nil, nil, errors.New("normalize: eigendecomposition of the Gram matrix did not converge")
	}
	vals := e.Values(nil)
	var vec mat.Dense
	e.VectorsTo(&vec)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return vals[idx[a]] > vals[idx[b]] })
	outV := mat.NewDense(n, n, nil)
	outL := make([]float64, n)
	for c, i := range idx {
		outL[c] = math.Max(vals[i], 0)
		for r := 0; r < n; r++ {
			outV.Set(r, c, vec.At(r, i))
		}
	}
	// Fix the sign of each eigenvector (largest |entry| positive) so that
	// results do not depend on LAPACK's arbitrary sign choice.
	for c := 0; c < n; c++ {
		best, bi := 0.0, 0
		for r := 0; r < n; r++ {
			if a := math.Abs(outV.At(r, c)); a > best+1e-12 {
				best, bi = a, r
			}
		}
		if outV.At(bi, c) < 0 {
			for r := 0; r < n; r++ {
				outV.Set(r, c, -outV.At(r, c))
			}
		}
	}
	return outL, outV, nil
}

// FitPCA decomposes the whitened profiles y (samples × columns, already
// multiplied by w) of a cohort with Gram matrix g and keeps k components,
// computing them on up to threads goroutines (the result does not depend
// on the number).
func FitPCA(y *mat.Dense, g *Gram, w []float64, k, threads int) (*PCA, error) {
	n, p := y.Dims()
	if n < 2 {
		return nil, fmt.Errorf("normalize: PCA needs at least 2 samples, got %d", n)
	}
	if k > n-1 {
		k = n - 1
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	vals, vecs, err := eigenDesc(g.centred(all, all))
	if err != nil {
		return nil, err
	}
	m := &PCA{Weight: append([]float64(nil), w...), Mean: make([]float64, p), Eigenvalues: vals[:n-1]}
	for i := 0; i < n; i++ {
		r := y.RawRowView(i)
		for j, v := range r {
			m.Mean[j] += v
		}
	}
	for j := range m.Mean {
		m.Mean[j] /= float64(n)
	}
	kept := 0
	for kept < k && vals[kept] > 1e-12*vals[0] {
		kept++
	}
	// Each component is computed on its own (in parallel, the same
	// arithmetic in the same order as serially).
	m.Components = make([][]float64, kept)
	_ = parallel.ForEach(context.Background(), kept, threads, func(_ context.Context, c int) error {
		v := make([]float64, p)
		s := 1 / math.Sqrt(vals[c])
		for i := 0; i < n; i++ {
			u := vecs.At(i, c) * s
			if u == 0 {
				continue
			}
			r := y.RawRowView(i)
			for j := range v {
				v[j] += u * (r[j] - m.Mean[j])
			}
		}
		m.Components[c] = v
		return nil
	})
	return m, nil
}

// K is the number of components kept.
func (m *PCA) K() int { return len(m.Components) }

// Residual removes the components from the log-ratio profile x (one value
// per column; NaN is not allowed) and returns the residual in log-ratio
// units and the component scores.
func (m *PCA) Residual(x []float64) (res, scores []float64) {
	p := len(m.Weight)
	yc := make([]float64, p)
	for j := range yc {
		yc[j] = x[j]*m.Weight[j] - m.Mean[j]
	}
	scores = make([]float64, len(m.Components))
	for c, v := range m.Components {
		var s float64
		for j, vj := range v {
			s += vj * yc[j]
		}
		scores[c] = s
		for j, vj := range v {
			yc[j] -= s * vj
		}
	}
	for j := range yc {
		yc[j] /= m.Weight[j]
	}
	return yc, scores
}

// Leverage returns the prediction leverage of a sample with the given
// component scores: 1/n + Σ_k s_k²/λ_k, where n is the number of reference
// samples and λ_k the component variances. A sample's residual variance is
// the reference's per-bin variance times (1 + leverage): the components
// and the mean are estimated from n samples, and their estimation error
// projects onto the sample in proportion to its scores (the prediction
// variance of least squares, Seber & Lee 2003, §5.2).
func (m *PCA) Leverage(scores []float64) float64 {
	n := float64(len(m.Eigenvalues) + 1)
	h := 1 / n
	for k, s := range scores {
		if k < len(m.Eigenvalues) && m.Eigenvalues[k] > 0 {
			h += s * s / m.Eigenvalues[k]
		}
	}
	return h
}
