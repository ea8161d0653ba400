package normalize

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestGroupResidualMatchesLeastSquares compares the leave-one-group-out
// residual with an explicit least-squares fit of the scores on the other
// groups' columns.
func TestGroupResidualMatchesLeastSquares(t *testing.T) {
	n, p := 30, 240
	x := lowRank(n, p, []float64{5, 3, 2}, 11)
	w := make([]float64, p)
	r := rand.New(rand.NewPCG(4, 4))
	for j := range w {
		w[j] = 0.5 + r.Float64()
	}
	y := Whiten(x, w)
	m, err := FitPCA(y, NewGram(y, 1), w, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	group := make([]int, p)
	for j := range group {
		group[j] = j / 40 // 6 groups of 40 columns
	}
	exclude := make([]bool, p)
	for j := 10; j < 25; j++ {
		exclude[j] = true
	}
	gm := NewGroupModel(m.Basis(), group, 6)
	test := lowRank(1, p, []float64{5, 3, 2}, 12)[0]
	for _, ex := range [][]bool{nil, exclude} {
		res, _ := gm.Residual(test, ex)
		for g := 0; g < 6; g++ {
			// Least squares on the columns outside g and not excluded.
			var rows []int
			for j := 0; j < p; j++ {
				if group[j] != g && (ex == nil || !ex[j]) {
					rows = append(rows, j)
				}
			}
			a := mat.NewDense(len(rows), 3, nil)
			b := mat.NewVecDense(len(rows), nil)
			for i, j := range rows {
				for c := 0; c < 3; c++ {
					a.Set(i, c, m.Components[c][j])
				}
				b.SetVec(i, test[j]*w[j]-m.Mean[j])
			}
			var s mat.VecDense
			if err := s.SolveVec(a, b); err != nil {
				t.Fatal(err)
			}
			for j := 0; j < p; j++ {
				if group[j] != g {
					continue
				}
				want := test[j]*w[j] - m.Mean[j]
				for c := 0; c < 3; c++ {
					want -= s.AtVec(c) * m.Components[c][j]
				}
				want /= w[j]
				if math.Abs(res[j]-want) > 1e-9 {
					t.Fatalf("group %d column %d: residual %g, least squares %g", g, j, res[j], want)
				}
			}
		}
	}
}

// A shift confined to one group is retained in full by that group's
// residual (it cannot enter its own scores).
func TestGroupResidualRetainsShift(t *testing.T) {
	n, p := 20, 200
	x := lowRank(n, p, []float64{4, 2}, 21)
	w := ones(p)
	y := Whiten(x, w)
	m, _ := FitPCA(y, NewGram(y, 1), w, 2, 1)
	group := make([]int, p)
	for j := range group {
		group[j] = j / 50
	}
	gm := NewGroupModel(m.Basis(), group, 4)
	base := lowRank(1, p, []float64{4, 2}, 22)[0]
	shifted := append([]float64(nil), base...)
	for j := 50; j < 100; j++ {
		shifted[j] += 0.1
	}
	r0, _ := gm.Residual(base, nil)
	r1, _ := gm.Residual(shifted, nil)
	for j := 50; j < 100; j++ {
		if d := r1[j] - r0[j]; math.Abs(d-0.1) > 1e-9 {
			t.Fatalf("column %d kept %g of a 0.1 shift", j, d)
		}
	}
}
