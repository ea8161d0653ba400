package mixture

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nipt/nipt/internal/stats"
)

type comp struct{ w, mean, sd float64 }

// sample1D draws round(w·n) points from each component (fixed counts, so the
// weights' only error is EM's).
func sample1D(comps []comp, n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 3))
	var x []float64
	for _, c := range comps {
		for i := 0; i < int(math.Round(c.w*float64(n))); i++ {
			x = append(x, c.mean+c.sd*r.NormFloat64())
		}
	}
	return x
}

func TestFit1DRecoversKnownMixtures(t *testing.T) {
	tests := []struct {
		name  string
		comps []comp
		n     int
	}{
		{"two unequal", []comp{{0.7, 0, 1}, {0.3, 5, 0.5}}, 2000},
		{"three", []comp{{0.5, -4, 1}, {0.3, 0, 0.5}, {0.2, 3, 0.8}}, 3000},
		// Fetal-sex-like: chrY fraction near 0 in female pregnancies and
		// clearly above in male ones, on very different scales.
		{"chrY-like", []comp{{0.5, 0.0002, 0.0001}, {0.5, 0.005, 0.001}}, 400},
	}
	for k, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := sample1D(tc.comps, tc.n, uint64(k))
			m, err := Fit1D(x, len(tc.comps), 1)
			if err != nil {
				t.Fatal(err)
			}
			if m.K() != len(tc.comps) {
				t.Fatalf("K = %d, want %d", m.K(), len(tc.comps))
			}
			for j, c := range tc.comps {
				nj := c.w * float64(tc.n)
				// Standard errors of the complete-data estimates: mean
				// σ/√nⱼ, SD σ/√(2nⱼ), weight √(w(1-w)/n) (zero here, the
				// counts being fixed, but EM's soft assignment of the
				// overlap adds that order). The components barely overlap,
				// so EM's errors are close to these; allow 5 SE.
				seMean := c.sd / math.Sqrt(nj)
				seSD := c.sd / math.Sqrt(2*nj)
				seW := math.Sqrt(c.w * (1 - c.w) / float64(tc.n))
				if d := math.Abs(m.Means[j] - c.mean); d > 5*seMean {
					t.Errorf("component %d mean %v, want %v ± %v", j, m.Means[j], c.mean, 5*seMean)
				}
				if d := math.Abs(m.SDs[j] - c.sd); d > 5*seSD {
					t.Errorf("component %d SD %v, want %v ± %v", j, m.SDs[j], c.sd, 5*seSD)
				}
				if d := math.Abs(m.Weights[j] - c.w); d > 5*seW {
					t.Errorf("component %d weight %v, want %v ± %v", j, m.Weights[j], c.w, 5*seW)
				}
			}
			if !m.Converged {
				t.Errorf("EM did not converge in %d iterations", m.Iterations)
			}
			if !slices.IsSorted(m.Means) {
				t.Errorf("components not sorted by mean: %v", m.Means)
			}
		})
	}
}

func TestFit1DSingleComponentIsPenalizedML(t *testing.T) {
	// With k = 1 the fit is closed-form: the sample mean, and the
	// penalized-likelihood variance σ² = (S + λ)/(n + 1), with scatter
	// S = (n-1)s² and λ = s²/n (package doc).
	x := sample1D([]comp{{1, 10, 2}}, 1000, 4)
	m, err := Fit1D(x, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	mean, sd := stats.MeanSD(x)
	n := float64(len(x))
	wantSD := math.Sqrt(((n-1)*sd*sd + sd*sd/n) / (n + 1))
	if math.Abs(m.Means[0]-mean) > 1e-9 || math.Abs(m.SDs[0]-wantSD) > 1e-9 || m.Weights[0] != 1 {
		t.Errorf("k=1 fit %+v, want mean %v SD %v", m, mean, wantSD)
	}
	// Its log-likelihood is the normal one.
	ll := 0.0
	for _, v := range x {
		z := (v - m.Means[0]) / m.SDs[0]
		ll += -0.5*z*z - math.Log(m.SDs[0]) - 0.5*math.Log(2*math.Pi)
	}
	if math.Abs(m.LogLik-ll) > 1e-6 || math.Abs(m.LogLikelihood(x)-ll) > 1e-6 {
		t.Errorf("LogLik %v / %v, want %v", m.LogLik, m.LogLikelihood(x), ll)
	}
}

func TestFit1DDeterministic(t *testing.T) {
	x := sample1D([]comp{{0.5, 0, 1}, {0.5, 2.5, 1}}, 500, 5) // overlapping
	a, _ := Fit1D(x, 2, 7)
	b, _ := Fit1D(x, 2, 7)
	if !slices.Equal(a.Means, b.Means) || !slices.Equal(a.SDs, b.SDs) || !slices.Equal(a.Weights, b.Weights) {
		t.Error("same seed gave different fits")
	}
}

func TestFit1DDegenerate(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name  string
		x     []float64
		k     int
		wantK int
		err   error
	}{
		{"identical points", []float64{3, 3, 3, 3, 3}, 3, 1, nil},
		{"two distinct values, k=5", []float64{1, 1, 1, 2, 2, 2}, 5, 2, nil},
		{"single point", []float64{7}, 2, 1, nil},
		{"NaN and Inf ignored", []float64{nan, 1, math.Inf(1), 1.1, 0.9}, 1, 1, nil},
		{"no finite values", []float64{nan, math.Inf(-1)}, 2, 0, ErrNoData},
		{"empty", nil, 1, 0, ErrNoData},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Fit1D(tc.x, tc.k, 1)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.K() != tc.wantK {
				t.Fatalf("K = %d, want %d (%+v)", m.K(), tc.wantK, m)
			}
			for j := range m.Means {
				if !(m.SDs[j] > 0) || math.IsNaN(m.Means[j]) || !(m.Weights[j] > 0) {
					t.Errorf("component %d invalid: %+v", j, m)
				}
			}
			if ll := m.LogLikelihood(tc.x); math.IsNaN(ll) || math.IsInf(ll, 0) {
				t.Errorf("log-likelihood %v", ll)
			}
		})
	}
	if _, err := Fit1D([]float64{1, 2}, 0, 1); err == nil {
		t.Error("k = 0 accepted")
	}
}

func TestFit1DOutlier(t *testing.T) {
	// One wild outlier must neither crash the fit nor drag the main
	// component: with k = 2 it gets its own small component (the penalty
	// keeps that component from collapsing to a spike).
	x := sample1D([]comp{{1, 0, 1}}, 500, 6)
	x = append(x, 1000)
	m, err := Fit1D(x, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	main := slices.Index(m.Weights, slices.Max(m.Weights))
	if math.Abs(m.Means[main]) > 5/math.Sqrt(500) || math.Abs(m.SDs[main]-1) > 5/math.Sqrt(1000) {
		t.Errorf("main component %v ± %v pulled by the outlier", m.Means[main], m.SDs[main])
	}
	for j := range m.Means {
		if math.IsNaN(m.Means[j]) || !(m.SDs[j] > 0) {
			t.Errorf("invalid component %d: %+v", j, m)
		}
	}
}

func TestPosterior(t *testing.T) {
	x := sample1D([]comp{{0.5, 0, 1}, {0.5, 10, 1}}, 400, 8)
	m, err := Fit1D(x, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []float64{-3, 0, 5, 10, 13} {
		p := m.Posterior(v)
		if s := p[0] + p[1]; math.Abs(s-1) > 1e-12 {
			t.Errorf("posterior at %v sums to %v", v, s)
		}
	}
	// 10 SDs apart: at each mean the other component's density is
	// e^(-50) smaller.
	if p := m.Posterior(0); p[0] < 1-1e-15 {
		t.Errorf("posterior at the first mean %v", p)
	}
	if p := m.Posterior(10); p[1] < 1-1e-15 {
		t.Errorf("posterior at the second mean %v", p)
	}
	// Far in the tails the log-sum-exp keeps it finite.
	if p := m.Posterior(1e6); math.IsNaN(p[0]) || math.Abs(p[0]+p[1]-1) > 1e-12 {
		t.Errorf("posterior far out %v", p)
	}
	if m.Posterior(math.NaN()) != nil {
		t.Error("posterior of NaN should be nil")
	}
}

func TestFitBIC1D(t *testing.T) {
	// BIC is consistent (Keribin 2000, Sankhyā A 62:49): with n = 1000 and
	// well-separated components it should recover k.
	tests := []struct {
		comps []comp
		want  int
	}{
		{[]comp{{1, 0, 1}}, 1},
		{[]comp{{0.6, 0, 1}, {0.4, 6, 1}}, 2},
		{[]comp{{0.4, 0, 0.5}, {0.3, 4, 0.5}, {0.3, 8, 0.5}}, 3},
	}
	for i, tc := range tests {
		x := sample1D(tc.comps, 1000, uint64(20+i))
		m, err := FitBIC1D(x, 4, 1)
		if err != nil {
			t.Fatal(err)
		}
		if m.K() != tc.want {
			t.Errorf("BIC chose k = %d, want %d", m.K(), tc.want)
		}
	}
	if _, err := FitBIC1D([]float64{1}, 0, 1); err == nil {
		t.Error("kmax = 0 accepted")
	}
}

func BenchmarkFit1D(b *testing.B) {
	x := sample1D([]comp{{0.5, 0, 1}, {0.5, 3, 1}}, 1000, 9)
	for b.Loop() {
		if _, err := Fit1D(x, 3, 1); err != nil { // one too many: slow EM
			b.Fatal(err)
		}
	}
}

// fakeModel stands in for a fitted model in the tests of fitBIC.
type fakeModel struct{ k int }

func (f fakeModel) K() int { return f.k }

func TestFitBICSelection(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name   string
		bic    []float64 // by k = 1, 2, …
		gotK   []int     // components each fit returns
		want   int
		called int
	}{
		{"lowest wins", []float64{10, 5, 7}, []int{1, 2, 3}, 2, 3},
		{"tie keeps fewer", []float64{5, 5, 5}, []int{1, 2, 3}, 1, 3},
		{"NaN never wins", []float64{nan, nan, 3}, []int{1, 2, 3}, 3, 3},
		{"all NaN keeps k = 1", []float64{nan, nan}, []int{1, 2}, 1, 2},
		{"stops when a fit comes back smaller", []float64{10, 5, 1}, []int{1, 1, 3}, 1, 2},
	} {
		calls := 0
		m, err := fitBIC(len(tc.bic), func(k int) (fakeModel, error) {
			calls++
			return fakeModel{tc.gotK[k-1]}, nil
		}, func(m fakeModel) float64 { return tc.bic[calls-1] })
		if err != nil || m.k != tc.want || calls != tc.called {
			t.Errorf("%s: got k = %d after %d fits (%v), want k = %d after %d", tc.name, m.k, calls, err, tc.want, tc.called)
		}
	}
	if _, err := fitBIC(0, func(int) (fakeModel, error) { return fakeModel{1}, nil }, func(fakeModel) float64 { return 0 }); err == nil {
		t.Error("kmax 0 accepted")
	}
}
