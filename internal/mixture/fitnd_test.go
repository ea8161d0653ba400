package mixture

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

type comp2 struct {
	w             float64
	mean          [2]float64
	sxx, sxy, syy float64
}

// sample2D draws round(w·n) rows from each bivariate normal, via the
// Cholesky factor of its covariance.
func sample2D(comps []comp2, n int, seed uint64) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 4))
	var x [][]float64
	for _, c := range comps {
		l11 := math.Sqrt(c.sxx)
		l21 := c.sxy / l11
		l22 := math.Sqrt(c.syy - l21*l21)
		for i := 0; i < int(math.Round(c.w*float64(n))); i++ {
			a, b := r.NormFloat64(), r.NormFloat64()
			x = append(x, []float64{c.mean[0] + l11*a, c.mean[1] + l21*a + l22*b})
		}
	}
	return x
}

func TestFitNDRecoversKnownMixture(t *testing.T) {
	comps := []comp2{
		{w: 0.6, mean: [2]float64{0, 0}, sxx: 1, sxy: 0.5, syy: 1},
		{w: 0.4, mean: [2]float64{4, -3}, sxx: 0.5, sxy: -0.2, syy: 0.3},
	}
	const n = 2000
	x := sample2D(comps, n, 1)
	m, err := FitND(x, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if m.K() != 2 || m.Dim() != 2 {
		t.Fatalf("K=%d Dim=%d", m.K(), m.Dim())
	}
	for j, c := range comps {
		nj := c.w * n
		// SEs: mean σ/√nⱼ per coordinate; a covariance entry
		// √((σₐₐσ_bb + σₐ_b²)/nⱼ) (normal theory); weight √(w(1-w)/n).
		// Well separated, so 5 SE is generous yet sharp.
		vars := [2]float64{c.sxx, c.syy}
		for d := 0; d < 2; d++ {
			if se := math.Sqrt(vars[d] / nj); math.Abs(m.Means[j][d]-c.mean[d]) > 5*se {
				t.Errorf("component %d mean[%d] = %v, want %v ± %v", j, d, m.Means[j][d], c.mean[d], 5*se)
			}
		}
		want := [2][2]float64{{c.sxx, c.sxy}, {c.sxy, c.syy}}
		for a := 0; a < 2; a++ {
			for b := 0; b < 2; b++ {
				se := math.Sqrt((want[a][a]*want[b][b] + want[a][b]*want[a][b]) / nj)
				if got := m.Covs[j].At(a, b); math.Abs(got-want[a][b]) > 5*se {
					t.Errorf("component %d cov[%d][%d] = %v, want %v ± %v", j, a, b, got, want[a][b], 5*se)
				}
			}
		}
		if se := math.Sqrt(c.w * (1 - c.w) / n); math.Abs(m.Weights[j]-c.w) > 5*se {
			t.Errorf("component %d weight %v, want %v", j, m.Weights[j], c.w)
		}
	}
	for _, row := range [][]float64{{0, 0}, {4, -3}, {2, -1.5}} {
		p := m.Posterior(row)
		if math.Abs(p[0]+p[1]-1) > 1e-12 {
			t.Errorf("posterior at %v sums to %v", row, p[0]+p[1])
		}
	}
	if p := m.Posterior([]float64{4, -3}); p[1] < 0.999 {
		t.Errorf("posterior at the second mean %v", p)
	}
	if m.Posterior([]float64{1}) != nil || m.Posterior([]float64{math.NaN(), 0}) != nil {
		t.Error("posterior of an invalid row should be nil")
	}
}

func TestFitNDOneDimensionMatchesFit1D(t *testing.T) {
	// In one dimension the inverse-Wishart prior is the inverse-gamma prior
	// of Fit1D and the k-means++ draws coincide, so both fits must agree.
	x := sample1D([]comp{{0.7, 0, 1}, {0.3, 4, 0.5}}, 600, 2)
	rows := make([][]float64, len(x))
	for i, v := range x {
		rows[i] = []float64{v}
	}
	a, err := Fit1D(x, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	b, err := FitND(rows, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	for j := range a.Means {
		// EM stops once the objective gains < 1e-8 per point, which
		// leaves the parameters ~1e-5 from the optimum (square root of the
		// objective's residual, relative): allow 3e-5, a thousandth of
		// their sampling errors (≥ 0.02) yet far below what a different
		// prior, floor or denominator would change (≥ 1e-3).
		if math.Abs(a.Means[j]-b.Means[j][0]) > 3e-5 || math.Abs(a.SDs[j]-math.Sqrt(b.Covs[j].At(0, 0))) > 3e-5 || math.Abs(a.Weights[j]-b.Weights[j]) > 3e-5 {
			t.Errorf("component %d: 1-D %v/%v/%v, N-D %v/%v/%v", j, a.Means[j], a.SDs[j], a.Weights[j], b.Means[j][0], math.Sqrt(b.Covs[j].At(0, 0)), b.Weights[j])
		}
	}
	if math.Abs(a.BIC(x)-b.BIC(rows)) > 1e-3 {
		t.Errorf("BIC 1-D %v, N-D %v", a.BIC(x), b.BIC(rows))
	}
}

func TestFitNDDegenerate(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name    string
		x       [][]float64
		k       int
		wantK   int
		wantErr bool
		errIs   error
	}{
		{"identical rows", [][]float64{{1, 2}, {1, 2}, {1, 2}}, 2, 1, false, nil},
		{"constant second coordinate (chrY all zero)", [][]float64{{1, 0}, {1.1, 0}, {0.9, 0}, {5, 0}, {5.2, 0}}, 2, 2, false, nil},
		{"k above distinct rows", [][]float64{{0, 0}, {0, 0}, {3, 3}}, 4, 2, false, nil},
		{"NaN rows skipped", [][]float64{{nan, 1}, {1, 1}, {1.2, 0.9}, {0.8, 1.1}}, 1, 1, false, nil},
		{"ragged rows", [][]float64{{1, 2}, {1}}, 1, 0, true, nil},
		{"no rows", nil, 1, 0, true, ErrNoData},
		{"only invalid rows", [][]float64{{nan, 1}, {math.Inf(1), 0}}, 1, 0, true, ErrNoData},
		{"zero-length rows", [][]float64{{}, {}}, 1, 0, true, nil},
		{"k = 0", [][]float64{{1, 2}}, 0, 0, true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := FitND(tc.x, tc.k, 1)
			if tc.wantErr {
				if err == nil || (tc.errIs != nil && !errors.Is(err, tc.errIs)) {
					t.Fatalf("err = %v, want an error (%v)", err, tc.errIs)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.K() != tc.wantK {
				t.Fatalf("K = %d, want %d", m.K(), tc.wantK)
			}
			if ll := m.LogLikelihood(tc.x); math.IsNaN(ll) || math.IsInf(ll, 0) {
				t.Errorf("log-likelihood %v", ll)
			}
			for _, row := range tc.x {
				if p := m.Posterior(row); p != nil && math.Abs(sum(p)-1) > 1e-9 {
					t.Errorf("posterior %v", p)
				}
			}
		})
	}
}

func sum(v []float64) float64 {
	s := 0.0
	for _, a := range v {
		s += a
	}
	return s
}

func TestFitNDDeterministic(t *testing.T) {
	x := sample2D([]comp2{{w: 0.5, mean: [2]float64{0, 0}, sxx: 1, syy: 1}, {w: 0.5, mean: [2]float64{1.5, 1}, sxx: 1, syy: 1}}, 300, 3)
	a, _ := FitND(x, 2, 9)
	b, _ := FitND(x, 2, 9)
	for j := range a.Means {
		if a.Means[j][0] != b.Means[j][0] || a.Means[j][1] != b.Means[j][1] || a.Weights[j] != b.Weights[j] {
			t.Fatal("same seed gave different fits")
		}
	}
}

func TestFitBICND(t *testing.T) {
	// Sex-like clusters in (chrX, chrY) dosage: one cluster (all-female
	// cohort) versus two. n = 300 rows, well separated: BIC (consistent)
	// should pick the true k.
	female := comp2{w: 1, mean: [2]float64{1, 0}, sxx: 0.01, sxy: 0.002, syy: 0.002}
	male := comp2{w: 0.5, mean: [2]float64{0.5, 1}, sxx: 0.01, sxy: 0.001, syy: 0.02}
	female2 := female
	female2.w = 0.5
	for _, tc := range []struct {
		name  string
		comps []comp2
		want  int
	}{{"one cluster", []comp2{female}, 1}, {"two clusters", []comp2{female2, male}, 2}} {
		m, err := FitBICND(sample2D(tc.comps, 300, 5), 3, 1)
		if err != nil {
			t.Fatal(err)
		}
		if m.K() != tc.want {
			t.Errorf("%s: BIC chose k = %d, want %d", tc.name, m.K(), tc.want)
		}
	}
	if _, err := FitBICND([][]float64{{1, 2}}, 0, 1); err == nil {
		t.Error("kmax = 0 accepted")
	}
}
