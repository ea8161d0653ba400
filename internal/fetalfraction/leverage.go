package fetalfraction

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Leverage measures how far a new sample's features lie from a ridge
// model's training samples in the directions the model uses: for a ridge
// fit β = (X̃ᵀX̃ + λI)⁻¹X̃ᵀỹ on centred features X̃ the variance of a
// prediction at x is σ²·(1 + h(x)), h = 1/n + x̃ᵀ(X̃ᵀX̃ + λI)⁻¹X̃ᵀX̃(X̃ᵀX̃ +
// λI)⁻¹x̃, x̃ = x − mean (the prediction interval of linear models, e.g.
// Seber & Lee, Linear Regression Analysis, §5.3).
//
// The model's calibration learns its noise from leave-one-out predictions,
// each made by the n − 1 other samples: its mean square is σ² times the
// mean of 1 + h₋ᵢ(xᵢ), h₋ᵢ the leverage function of the model without
// sample i (HBarLOO). A new sample's error is therefore the calibrated one
// times √((1 + h)/(1 + HBarLOO)) — below 1 for a sample nearer the training
// samples' centre than they are to each other. (HBar, the mean in-sample
// leverage, described references built before HBarLOO existed, whose
// factor was √((1 + h)/(1 + HBar)), held at 1 or more: with 40 training
// samples and 12 features that over-stated a typical sample's SD by
// 5–10%.)
type Leverage struct {
	Mean []float64 `json:"mean"`
	A    []float64 `json:"a"` // (M+λI)⁻¹M(M+λI)⁻¹, row-major p×p, M = X̃ᵀX̃
	N    int       `json:"n"`
	HBar float64   `json:"h_bar"`
	// HBarLOO is the mean over training samples of h₋ᵢ(xᵢ) (0 in
	// references built before it).
	HBarLOO float64 `json:"h_bar_loo,omitempty"`
}

// NewLeverage builds the leverage model of training features x (n × p)
// at penalty lam.
func NewLeverage(x *mat.Dense, lam float64) (*Leverage, error) {
	n, _ := x.Dims()
	if n < 3 || !(lam >= 0) {
		return nil, errors.New("fetalfraction: leverage needs three samples and a penalty ≥ 0")
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	l, err := leverageOf(x, all, lam)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		l.HBar += l.h(x.RawRowView(i)) / float64(n)
	}
	// Leave-one-out: the leverage of sample i under the model of the others.
	others := make([]int, 0, n-1)
	for i := 0; i < n; i++ {
		others = append(others[:0], all[:i]...)
		others = append(others, all[i+1:]...)
		li, err := leverageOf(x, others, lam)
		if err != nil {
			return nil, err
		}
		l.HBarLOO += li.h(x.RawRowView(i)) / float64(n)
	}
	return l, nil
}

// leverageOf builds the leverage function of the rows of x listed in rows
// (Mean, A and N; HBar and HBarLOO left 0).
func leverageOf(x *mat.Dense, rows []int, lam float64) (*Leverage, error) {
	_, p := x.Dims()
	n := len(rows)
	l := &Leverage{Mean: make([]float64, p), N: n}
	for _, i := range rows {
		for j := 0; j < p; j++ {
			l.Mean[j] += x.At(i, j) / float64(n)
		}
	}
	xc := mat.NewDense(n, p, nil)
	for r, i := range rows {
		for j := 0; j < p; j++ {
			xc.Set(r, j, x.At(i, j)-l.Mean[j])
		}
	}
	var m mat.Dense
	m.Mul(xc.T(), xc)
	reg := mat.DenseCopyOf(&m)
	for j := 0; j < p; j++ {
		reg.Set(j, j, reg.At(j, j)+lam)
	}
	var b mat.Dense
	if err := b.Inverse(reg); err != nil {
		return nil, errors.New("fetalfraction: ridge matrix is singular")
	}
	var bm, a mat.Dense
	bm.Mul(&b, &m)
	a.Mul(&bm, &b)
	l.A = make([]float64, p*p)
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			l.A[i*p+j] = a.At(i, j)
		}
	}
	return l, nil
}

// h returns the prediction-variance factor of features v.
func (l *Leverage) h(v []float64) float64 {
	p := len(l.Mean)
	s := 1 / float64(max(l.N, 1))
	for i := 0; i < p; i++ {
		di := v[i] - l.Mean[i]
		for j := 0; j < p; j++ {
			s += di * l.A[i*p+j] * (v[j] - l.Mean[j])
		}
	}
	return s
}

// Factor returns the factor by which the prediction error at features v
// differs from the calibrated (leave-one-out) one: √((1 + h)/(1 + HBarLOO));
// for a reference without HBarLOO the earlier √((1 + h)/(1 + HBar)), at
// least 1. It returns 1 for features of the wrong length.
func (l *Leverage) Factor(v []float64) float64 {
	if len(v) != len(l.Mean) || len(l.A) != len(v)*len(v) {
		return 1
	}
	if l.HBarLOO > 0 {
		return math.Sqrt((1 + l.h(v)) / (1 + l.HBarLOO))
	}
	return math.Max(1, math.Sqrt((1+l.h(v))/(1+l.HBar)))
}
