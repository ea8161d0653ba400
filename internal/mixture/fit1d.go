package mixture

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/nipt/nipt/internal/stats"
)

// Options tunes the EM fit; the zero value selects the defaults.
type Options struct {
	// MaxIter bounds the EM iterations per restart (0 selects 1000).
	MaxIter int
	// Tol stops EM when the penalized log-likelihood improves by less than
	// Tol per data point (0 selects 1e-6).
	Tol float64
	// Restarts is the number of seeded k-means++ initializations; the fit
	// with the highest penalized likelihood is kept (0 selects 5).
	Restarts int
}

// Defaults (see Options). Stopping when the objective gains less than 1e-6
// per point leaves the parameters about √(2·1e-6) ≈ 1.4e-3 SDs from the
// optimum (per-point Fisher information ~1/σ²), a few percent of their
// sampling error even for n = 1000 (SE ≈ 0.03 SD); 1000 iterations bound the
// slow convergence of EM when components overlap or k is too large; 5
// restarts make a bad k-means++ draw unlikely to be the one kept.
const (
	DefaultMaxIter  = 1000
	DefaultTol      = 1e-6
	DefaultRestarts = 5
)

// sdFloorFraction is the smallest component SD as a fraction of the overall
// SD (Hathaway 1985 constraint, see the package doc).
const sdFloorFraction = 1e-3

// ErrNoData is returned when no finite value is left to fit.
var ErrNoData = errors.New("mixture: no finite values")

func (o Options) withDefaults() Options {
	if o.MaxIter <= 0 {
		o.MaxIter = DefaultMaxIter
	}
	if !(o.Tol > 0) {
		o.Tol = DefaultTol
	}
	if o.Restarts <= 0 {
		o.Restarts = DefaultRestarts
	}
	return o
}

// Fit1D fits a k-component Gaussian mixture to the finite values of x by EM
// with the default Options. See Fit1DOptions.
func Fit1D(x []float64, k int, seed uint64) (*Model, error) {
	return Fit1DOptions(x, k, seed, Options{})
}

// Fit1DOptions fits a k-component Gaussian mixture to the finite values of x
// by EM from seeded k-means++ starts. The model may have fewer than k
// components when x has fewer distinct values or a component empties (see
// the package doc). It returns an error for k < 1 or no finite value, never
// panics, and is deterministic for a given seed.
func Fit1DOptions(x []float64, k int, seed uint64, opt Options) (*Model, error) {
	if k < 1 {
		return nil, fmt.Errorf("mixture: %d components requested, need at least 1", k)
	}
	opt = opt.withDefaults()
	v := make([]float64, 0, len(x))
	for _, a := range x {
		if isFinite(a) {
			v = append(v, a)
		}
	}
	if len(v) == 0 {
		return nil, fmt.Errorf("%w among %d: pass at least one finite value", ErrNoData, len(x))
	}
	mean, sd := stats.MeanSD(v)
	if math.IsNaN(sd) {
		sd = 0
	}
	floor := sdFloorFraction * sd
	if floor == 0 {
		// Constant data: any positive SD keeps the density finite; one
		// millionth of the value's magnitude is below any measurement
		// resolution nipt deals with.
		floor = 1e-6 * math.Max(1, math.Abs(mean))
	}
	pts := make([][]float64, len(v))
	for i, a := range v {
		pts[i] = []float64{a}
	}
	var best *Model
	bestObj := math.Inf(-1)
	for r := 0; r < opt.Restarts; r++ {
		rng := rand.New(rand.NewPCG(seed, uint64(r)))
		assign, kk := kmeansInit(pts, k, rng)
		m, obj := em1D(v, assign, kk, sd*sd, floor, opt)
		if best == nil || obj > bestObj {
			best, bestObj = m, obj
		}
	}
	return best, nil
}

// em1D runs EM from a hard partition, maximizing the penalized likelihood of
// Ciuperca, Ridolfi & Idier (2003, Scand. J. Stat. 30:45): the
// log-likelihood minus ½·Σⱼ(log σⱼ² + λ/σⱼ²), an inverse-gamma-type penalty
// that is bounded above, so no component can collapse onto one point, and
// gives the M-step σⱼ² = (Sⱼ + λ)/(nⱼ + 1): one pseudo-observation at squared
// distance λ. λ = var(x)/(k²·n) is the data variance shared among k
// components (the scale of Fraley & Raftery 2007, J. Classif. 24:155) divided
// by n, so that it regularizes a component of one or two points (σ² ≈ λ/2)
// while moving a component of nⱼ points by a fraction ~1/(n·nⱼ) of the
// overall variance — far below its sampling error. It returns the model and
// the penalized log-likelihood it maximized.
func em1D(x []float64, assign []int, k int, totalVar, floor float64, opt Options) (*Model, float64) {
	n := len(x)
	prior := totalVar / float64(k*k*n)
	m := &Model{Weights: make([]float64, k), Means: make([]float64, k), SDs: make([]float64, k), N: n}
	resp := make([]float64, n*k)
	for i, a := range assign {
		resp[i*k+a] = 1
	}
	lc := make([]float64, k)
	mstep := func() {
		for j := 0; j < k; j++ {
			var nj, s float64
			for i := 0; i < n; i++ {
				nj += resp[i*k+j]
				s += resp[i*k+j] * x[i]
			}
			if nj == 0 {
				m.Weights[j] = 0
				continue
			}
			mu := s / nj
			ss := 0.0
			for i := 0; i < n; i++ {
				d := x[i] - mu
				ss += resp[i*k+j] * d * d
			}
			m.Weights[j] = nj / float64(n)
			m.Means[j] = mu
			m.SDs[j] = math.Max(math.Sqrt((prior+ss)/(nj+1)), floor)
		}
	}
	// penalty is the regularization term of the objective.
	penalty := func() float64 {
		p := 0.0
		for j := 0; j < k; j++ {
			if m.Weights[j] > 0 {
				v := m.SDs[j] * m.SDs[j]
				p -= 0.5 * (math.Log(v) + prior/v)
			}
		}
		return p
	}
	mstep()
	obj := math.Inf(-1)
	logc := make([]float64, k) // log(wⱼ/σⱼ) - ½log(2π), -Inf if empty
	inv := make([]float64, k)  // 1/σⱼ
	for it := 1; it <= opt.MaxIter; it++ {
		m.Iterations = it
		for j := 0; j < k; j++ {
			logc[j], inv[j] = math.Inf(-1), 0
			if m.Weights[j] > 0 {
				logc[j] = math.Log(m.Weights[j]/m.SDs[j]) - logSqrt2Pi
				inv[j] = 1 / m.SDs[j]
			}
		}
		// E-step, and the log-likelihood of the current parameters.
		ll := 0.0
		for i, a := range x {
			mx := math.Inf(-1)
			for j := 0; j < k; j++ {
				z := (a - m.Means[j]) * inv[j]
				lc[j] = logc[j] - 0.5*z*z
				mx = math.Max(mx, lc[j])
			}
			sum := 0.0
			r := resp[i*k : (i+1)*k]
			for j := 0; j < k; j++ {
				r[j] = math.Exp(lc[j] - mx)
				sum += r[j]
			}
			for j := 0; j < k; j++ {
				r[j] /= sum
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
		mstep()
	}
	out := m.compact()
	// The loop may end on an M-step (MaxIter): report the likelihood of the
	// returned parameters.
	out.LogLik = out.LogLikelihood(x)
	return out, obj
}

// compact drops empty components, renormalizes the weights and sorts the
// components by mean.
func (m *Model) compact() *Model {
	idx, total := kept(m.Weights, m.N, func(a, b int) int { return cmp.Compare(m.Means[a], m.Means[b]) })
	out := &Model{LogLik: m.LogLik, Iterations: m.Iterations, Converged: m.Converged, N: m.N}
	for _, j := range idx {
		out.Weights = append(out.Weights, m.Weights[j]/total)
		out.Means = append(out.Means, m.Means[j])
		out.SDs = append(out.SDs, m.SDs[j])
	}
	return out
}

// kept returns, sorted by cmp (stably), the indices of the components that
// still hold weight, and their total weight. A component holding less than a
// billionth of one of the n observations' responsibility has emptied.
func kept(weights []float64, n int, cmp func(a, b int) int) (idx []int, total float64) {
	idx = make([]int, 0, len(weights))
	for j, w := range weights {
		if w*float64(n) > 1e-9 {
			idx = append(idx, j)
			total += w
		}
	}
	slices.SortStableFunc(idx, cmp)
	return idx, total
}

// FitBIC1D fits mixtures with 1 … kmax components and returns the one with
// the lowest BIC (ties go to fewer components), as mclust does (Fraley &
// Raftery 2002).
func FitBIC1D(x []float64, kmax int, seed uint64) (*Model, error) {
	return fitBIC(kmax, func(k int) (*Model, error) { return Fit1D(x, k, seed) }, func(m *Model) float64 { return m.BIC(x) })
}

// fitBIC fits k = 1 … kmax components with fit and returns the model with
// the lowest bic; ties keep the model with fewer components, and a NaN bic
// never beats a number. It stops early once a fit returns fewer components than
// asked: the data hold no more distinct structure.
func fitBIC[M interface{ K() int }](kmax int, fit func(k int) (M, error), bic func(M) float64) (M, error) {
	var best M
	if kmax < 1 {
		return best, fmt.Errorf("mixture: kmax %d must be at least 1", kmax)
	}
	bestBIC := math.Inf(1)
	for k := 1; k <= kmax; k++ {
		m, err := fit(k)
		if err != nil {
			return best, err
		}
		if m.K() < k && k > 1 {
			break // no more distinct structure to add
		}
		if b := bic(m); k == 1 || b < bestBIC || math.IsNaN(bestBIC) && !math.IsNaN(b) {
			best, bestBIC = m, b
		}
	}
	return best, nil
}
