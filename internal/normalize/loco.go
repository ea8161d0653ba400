package normalize

import (
	"gonum.org/v1/gonum/mat"
)

// Basis is a set of orthonormal components (rows, whitened space) with the
// whitening weights and the cohort mean. PCA and the cross-validation folds
// both provide one.
type Basis struct {
	Components [][]float64
	Weight     []float64
	Mean       []float64
}

// Basis returns the model's components as a Basis.
func (m *PCA) Basis() Basis { return Basis{m.Components, m.Weight, m.Mean} }

// GroupModel computes leave-one-group-out residuals: the components are
// removed from the columns of each group (chromosome) with scores estimated
// from the columns outside that group (and outside an optional exclusion
// set). A dosage change confined to one chromosome — a trisomy, a CNV —
// then cannot enter the scores that normalise it, so PCA neither absorbs
// it nor, once its bins are excluded, spreads it to other chromosomes.
// The scores of a group are the least-squares fit on the remaining
// columns, s = (VₛᵀVₛ)⁻¹Vₛᵀyₛ, with VₛᵀVₛ = I − Σ_{left out} v vᵀ for
// orthonormal components.
type GroupModel struct {
	b       Basis
	group   []int
	ngroups int
	mg      [][]float64 // per group Σ v vᵀ (k×k, row-major)
	// runs are the maximal runs of consecutive columns of one group.
	runs []run
}

type run struct{ g, lo, hi int }

// NewGroupModel prepares the per-group sums of b for the column groups
// (group[j] in [0, ngroups)).
func NewGroupModel(b Basis, group []int, ngroups int) *GroupModel {
	k := len(b.Components)
	g := &GroupModel{b: b, group: group, ngroups: ngroups, mg: make([][]float64, ngroups)}
	for j := 0; j < len(group); {
		e := j
		for e < len(group) && group[e] == group[j] {
			e++
		}
		g.runs = append(g.runs, run{group[j], j, e})
		j = e
	}
	for i := range g.mg {
		g.mg[i] = make([]float64, k*k)
	}
	v := make([]float64, k)
	for j, gr := range group {
		for c := 0; c < k; c++ {
			v[c] = b.Components[c][j]
		}
		m := g.mg[gr]
		for c := 0; c < k; c++ {
			for d := c; d < k; d++ {
				m[c*k+d] += v[c] * v[d]
			}
		}
	}
	return g
}

// Residual returns the leave-one-group-out residual of the log-ratio
// profile x (log-ratio units) and the scores fitted on all non-excluded
// columns (for models that regress on the scores, such as chrX, and for the
// leverage). exclude may be nil.
func (g *GroupModel) Residual(x []float64, exclude []bool) (res, scores []float64) {
	b := g.b
	p, k := len(b.Weight), len(b.Components)
	yc := make([]float64, p)
	for j := range yc {
		yc[j] = x[j]*b.Weight[j] - b.Mean[j]
	}
	res = make([]float64, p)
	if k == 0 {
		for j := range res {
			res[j] = yc[j] / b.Weight[j]
		}
		return res, nil
	}
	btot := make([]float64, k)
	bg := make([][]float64, g.ngroups)
	for i := range bg {
		bg[i] = make([]float64, k)
	}
	mAll, bAll := make([]float64, k*k), make([]float64, k)
	me := map[int][]float64{} // excluded part of each group
	be := map[int][]float64{}
	for c := 0; c < k; c++ {
		comp := b.Components[c]
		for _, r := range g.runs {
			var sum float64
			cr, yr := comp[r.lo:r.hi], yc[r.lo:r.hi]
			for j, y := range yr {
				sum += cr[j] * y
			}
			btot[c] += sum
			bg[r.g][c] += sum
		}
	}
	if exclude != nil {
		v := make([]float64, k)
		for j, ex := range exclude {
			if !ex {
				continue
			}
			gr := g.group[j]
			if me[gr] == nil {
				me[gr], be[gr] = make([]float64, k*k), make([]float64, k)
			}
			for c := 0; c < k; c++ {
				v[c] = b.Components[c][j]
			}
			for c := 0; c < k; c++ {
				vy := v[c] * yc[j]
				bAll[c] += vy
				be[gr][c] += vy
				for d := c; d < k; d++ {
					mAll[c*k+d] += v[c] * v[d]
					me[gr][c*k+d] += v[c] * v[d]
				}
			}
		}
	}
	a := mat.NewSymDense(k, nil)
	rhs := mat.NewVecDense(k, nil)
	var ch mat.Cholesky
	var sol mat.VecDense
	fit := func(left func(i int) float64, bl func(c int) float64) []float64 {
		for c := 0; c < k; c++ {
			for d := c; d < k; d++ {
				id := 0.0
				if c == d {
					id = 1
				}
				a.SetSym(c, d, id-left(c*k+d))
			}
			rhs.SetVec(c, btot[c]-bl(c))
		}
		s := make([]float64, k)
		if !ch.Factorize(a) {
			return s // everything left out: no correction
		}
		if err := ch.SolveVecTo(&sol, rhs); err != nil {
			return s
		}
		for c := range s {
			s[c] = sol.AtVec(c)
		}
		return s
	}
	scores = fit(func(i int) float64 { return mAll[i] }, func(c int) float64 { return bAll[c] })
	gs := make([][]float64, g.ngroups)
	for gr := range gs {
		m, e, bb, ebb := g.mg[gr], me[gr], bg[gr], be[gr]
		gs[gr] = fit(func(i int) float64 {
			v := m[i] + mAll[i]
			if e != nil {
				v -= e[i]
			}
			return v
		}, func(c int) float64 {
			v := bb[c] + bAll[c]
			if ebb != nil {
				v -= ebb[c]
			}
			return v
		})
	}
	copy(res, yc)
	for _, r := range g.runs {
		s := gs[r.g]
		rr := res[r.lo:r.hi]
		for c := 0; c < k; c++ {
			sc, cr := s[c], b.Components[c][r.lo:r.hi]
			for j := range rr {
				rr[j] -= sc * cr[j]
			}
		}
	}
	for j := range res {
		res[j] /= b.Weight[j]
	}
	return res, scores
}
