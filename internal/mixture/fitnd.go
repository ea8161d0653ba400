package mixture

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// FitND fits a k-component Gaussian mixture with full covariance matrices to
// the rows of x (all of one dimension d ≥ 1; rows with a non-finite value are
// skipped) by EM with the default Options. See FitNDOptions.
func FitND(x [][]float64, k int, seed uint64) (*ModelND, error) {
	return FitNDOptions(x, k, seed, Options{})
}

// FitNDOptions is FitND with options. Like Fit1D it reduces k when there are
// fewer distinct rows, drops emptied components, never panics and is
// deterministic for a given seed. Rows of differing lengths are an error.
func FitNDOptions(x [][]float64, k int, seed uint64, opt Options) (*ModelND, error) {
	if k < 1 {
		return nil, fmt.Errorf("mixture: %d components requested, need at least 1", k)
	}
	if len(x) == 0 {
		return nil, fmt.Errorf("%w: no rows given", ErrNoData)
	}
	d := len(x[0])
	if d == 0 {
		return nil, fmt.Errorf("mixture: rows have no columns: pass rows of one dimension ≥ 1")
	}
	rows := make([][]float64, 0, len(x))
	for i, r := range x {
		if len(r) != d {
			return nil, fmt.Errorf("mixture: row %d has %d values but row 0 has %d: pass rows of equal length", i, len(r), d)
		}
		if validRow(r, d) {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%w among %d rows: pass at least one row without NaN/Inf", ErrNoData, len(x))
	}
	opt = opt.withDefaults()
	n := len(rows)
	mean := make([]float64, d)
	for _, r := range rows {
		for t, v := range r {
			mean[t] += v / float64(n)
		}
	}
	cov := mat.NewSymDense(d, nil)
	for _, r := range rows {
		for a := 0; a < d; a++ {
			for b := a; b < d; b++ {
				cov.SetSym(a, b, cov.At(a, b)+(r[a]-mean[a])*(r[b]-mean[b])/float64(max(n-1, 1)))
			}
		}
	}
	floor2 := make([]float64, d) // squared SD floor per dimension
	std := make([][]float64, n)  // standardized rows for k-means++
	scale := make([]float64, d)
	for t := 0; t < d; t++ {
		sd := math.Sqrt(cov.At(t, t))
		f := sdFloorFraction * sd
		scale[t] = sd
		if f == 0 {
			f = 1e-6 * math.Max(1, math.Abs(mean[t])) // as in Fit1DOptions
			scale[t] = 1
		}
		floor2[t] = f * f
	}
	for i, r := range rows {
		std[i] = make([]float64, d)
		for t, v := range r {
			std[i][t] = (v - mean[t]) / scale[t]
		}
	}
	var best *ModelND
	bestObj := math.Inf(-1)
	for r := 0; r < opt.Restarts; r++ {
		rng := rand.New(rand.NewPCG(seed, uint64(r)))
		assign, kk := kmeansInit(std, k, rng)
		m, obj := emND(rows, assign, kk, cov, floor2, opt)
		if m != nil && (best == nil || obj > bestObj) {
			best, bestObj = m, obj
		}
	}
	if best == nil {
		return nil, fmt.Errorf("mixture: covariance not positive definite even with a variance floor: are the values finite and of moderate magnitude (rescale them)?")
	}
	return best, nil
}

// emND runs EM from a hard partition, maximizing the penalized likelihood of
// em1D in d dimensions: the log-likelihood minus ½·Σⱼ(log|Σⱼ| + tr(ΛΣⱼ⁻¹)),
// with Λ = cov(x)/(k^(2/d)·n), giving the M-step Σⱼ = (Sⱼ + Λ)/(nⱼ + 1),
// plus the per-dimension variance floor on the diagonal.
func emND(x [][]float64, assign []int, k int, cov *mat.SymDense, floor2 []float64, opt Options) (*ModelND, float64) {
	n, d := len(x), len(x[0])
	lambda := mat.NewSymDense(d, nil)
	lambda.ScaleSym(1/(math.Pow(float64(k), 2/float64(d))*float64(n)), cov)
	m := &ModelND{Weights: make([]float64, k), Means: make([][]float64, k), Covs: make([]*mat.SymDense, k), N: n}
	for j := range m.Means {
		m.Means[j] = make([]float64, d)
		m.Covs[j] = mat.NewSymDense(d, nil)
	}
	resp := make([]float64, n*k)
	for i, a := range assign {
		resp[i*k+a] = 1
	}
	mstep := func() bool {
		m.chol = nil
		for j := 0; j < k; j++ {
			nj := 0.0
			mu := m.Means[j]
			for t := range mu {
				mu[t] = 0
			}
			for i, r := range x {
				nj += resp[i*k+j]
				for t, v := range r {
					mu[t] += resp[i*k+j] * v
				}
			}
			if nj == 0 {
				// Emptied: a placeholder covariance keeps the
				// factorization valid; compact drops the component.
				m.Weights[j] = 0
				for a := 0; a < d; a++ {
					for b := a; b < d; b++ {
						m.Covs[j].SetSym(a, b, 0)
					}
					m.Covs[j].SetSym(a, a, floor2[a])
				}
				continue
			}
			for t := range mu {
				mu[t] /= nj
			}
			m.Weights[j] = nj / float64(n)
			c := m.Covs[j]
			for a := 0; a < d; a++ {
				for b := a; b < d; b++ {
					s := 0.0
					for i, r := range x {
						s += resp[i*k+j] * (r[a] - mu[a]) * (r[b] - mu[b])
					}
					v := (lambda.At(a, b) + s) / (nj + 1)
					if a == b {
						v += floor2[a]
					}
					c.SetSym(a, b, v)
				}
			}
		}
		// A covariance that is not positive definite through rounding gets
		// its diagonal widened geometrically, at most 2⁵⁹ floors, then loses
		// its correlations; only that component is touched.
		for _, c := range m.Covs {
			for try := 0; ; try++ {
				var ch mat.Cholesky
				if ch.Factorize(c) {
					break
				}
				if try == 60 {
					return false
				}
				for t := 0; t < d; t++ {
					if try < 59 {
						c.SetSym(t, t, c.At(t, t)+floor2[t]*math.Pow(2, float64(try)))
						continue
					}
					for b := 0; b < d; b++ {
						if b != t {
							c.SetSym(t, b, 0)
						}
					}
					c.SetSym(t, t, math.Max(c.At(t, t), floor2[t]))
				}
			}
		}
		return m.factorize()
	}
	// penalty is -½·Σⱼ(log|Σⱼ| + tr(ΛΣⱼ⁻¹)).
	penalty := func() float64 {
		p := 0.0
		var inv mat.SymDense
		for j := 0; j < k; j++ {
			if m.Weights[j] == 0 {
				continue
			}
			if err := m.chol[j].InverseTo(&inv); err != nil {
				continue
			}
			tr := 0.0
			for a := 0; a < d; a++ {
				for b := 0; b < d; b++ {
					tr += lambda.At(a, b) * inv.At(b, a)
				}
			}
			p -= 0.5 * (m.chol[j].LogDet() + tr)
		}
		return p
	}
	if !mstep() {
		return nil, math.Inf(-1)
	}
	lc := make([]float64, k)
	diff := make([]float64, d)
	obj := math.Inf(-1)
	for it := 1; it <= opt.MaxIter; it++ {
		m.Iterations = it
		ll := 0.0
		for i, r := range x {
			m.logComponent(m.prec, r, lc, diff)
			mx := math.Inf(-1)
			for _, v := range lc {
				mx = math.Max(mx, v)
			}
			sum := 0.0
			rr := resp[i*k : (i+1)*k]
			for j, v := range lc {
				rr[j] = math.Exp(v - mx)
				sum += rr[j]
			}
			for j := range rr {
				rr[j] /= sum
			}
			ll += mx + math.Log(sum)
		}
		newObj := ll + penalty()
		if newObj-obj < opt.Tol*float64(n) {
			m.Converged = true
			obj = math.Max(obj, newObj)
			break
		}
		obj = newObj
		if !mstep() {
			return nil, math.Inf(-1)
		}
	}
	out := m.compact()
	out.LogLik = out.LogLikelihood(x)
	return out, obj
}

// compact drops emptied components, renormalizes the weights and sorts the
// components by mean.
func (m *ModelND) compact() *ModelND {
	idx, total := kept(m.Weights, m.N, func(a, b int) int { return slices.Compare(m.Means[a], m.Means[b]) })
	out := &ModelND{Iterations: m.Iterations, Converged: m.Converged, N: m.N}
	for _, j := range idx {
		out.Weights = append(out.Weights, m.Weights[j]/total)
		out.Means = append(out.Means, m.Means[j])
		out.Covs = append(out.Covs, m.Covs[j])
	}
	out.factorize()
	return out
}

// FitBICND fits mixtures with 1 … kmax components to the rows of x and
// returns the one with the lowest BIC (ties go to fewer components), e.g. to
// decide whether a reference cohort's chrX/chrY dosages form one cluster or
// two.
func FitBICND(x [][]float64, kmax int, seed uint64) (*ModelND, error) {
	return fitBIC(kmax, func(k int) (*ModelND, error) { return FitND(x, k, seed) }, func(m *ModelND) float64 { return m.BIC(x) })
}
