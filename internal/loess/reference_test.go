package loess

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// naiveLoess is a deliberately plain LOESS written from Cleveland (1979)
// for the tests: at every observation it sorts all distances, takes the q-th
// smallest as the bandwidth, and solves the weighted least-squares problem
// with gonum's QR. It also returns, for the non-robust fit, the sum of
// squared hat-matrix weights Σℓᵢ² at each point, so that the standard error
// of the fit for noise SD σ is σ·√(Σℓᵢ²).
func naiveLoess(x, y []float64, span float64, degree, iterations int) (fit, hat2 []float64) {
	n := len(x)
	q := int(math.Floor(math.Min(span, 1)*float64(n) + 1e-9))
	q = min(max(q, degree+2), n)
	rw := make([]float64, n)
	for i := range rw {
		rw[i] = 1
	}
	fit = make([]float64, n)
	hat2 = make([]float64, n)
	for iter := 0; iter <= iterations; iter++ {
		for i := range x {
			d := make([]float64, n)
			for j := range x {
				d[j] = math.Abs(x[j] - x[i])
			}
			s := slices.Clone(d)
			slices.Sort(s)
			h := s[q-1] * math.Max(span, 1)
			X := mat.NewDense(n, degree+1, nil)
			Y := mat.NewVecDense(n, nil)
			W := make([]float64, n)
			for j := range x {
				u := d[j] / h
				w := 0.0
				if u < 1 {
					w = math.Pow(1-u*u*u, 3) * rw[j]
				}
				W[j] = w
				sw := math.Sqrt(w)
				for p := 0; p <= degree; p++ {
					X.Set(j, p, sw*math.Pow(x[j]-x[i], float64(p)))
				}
				Y.SetVec(j, sw*y[j])
			}
			var beta mat.VecDense
			if err := beta.SolveVec(X, Y); err != nil {
				panic(err)
			}
			fit[i] = beta.AtVec(0)
			if iter == 0 {
				// ℓ = e₁ᵀ(XᵀWX)⁻¹XᵀW: solve for each unit response.
				var xtx mat.Dense
				xtx.Mul(X.T(), X)
				var inv mat.Dense
				if err := inv.Inverse(&xtx); err != nil {
					panic(err)
				}
				s2 := 0.0
				for j := range x {
					l := 0.0
					for p := 0; p <= degree; p++ {
						l += inv.At(0, p) * X.At(j, p) * math.Sqrt(W[j])
					}
					s2 += l * l
				}
				hat2[i] = s2
			}
		}
		if iter == iterations {
			break
		}
		res := make([]float64, n)
		for i := range res {
			res[i] = math.Abs(y[i] - fit[i])
		}
		s := slices.Clone(res)
		slices.Sort(s)
		med := s[n/2]
		if n%2 == 0 {
			med = (s[n/2-1] + s[n/2]) / 2
		}
		for i := range rw {
			u := res[i] / (6 * med)
			rw[i] = 0
			if u < 1 {
				rw[i] = (1 - u*u) * (1 - u*u)
			}
		}
	}
	return fit, hat2
}
