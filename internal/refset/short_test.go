package refset

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/refset/synth"
	"gonum.org/v1/gonum/stat/distuv"
)

// The fixture's generative model gives fetal fragments a short share of
// ShortFetal and maternal ones ShortMaternal (times a per-sample factor
// exp(0.05·N(0,1)), independent of the fetal fraction), binomially drawn
// per bin: the fitted β must recover the difference, and the standardised
// residuals must be binomial (φ ≈ 1, κ ≈ 1).
func TestShortModelFixture(t *testing.T) {
	f := fixtureT(t)
	m := f.Ref.Short
	if m == nil {
		t.Fatalf("no short-fragment model; warnings: %q", f.Ref.Warnings)
	}
	want := f.Model.ShortFetal - f.Model.ShortMaternal
	if d := math.Abs(m.Beta - want); d > 3*m.BetaSE {
		t.Errorf("beta %.4f ± %.4f, generative value %.4f", m.Beta, m.BetaSE, want)
	}
	// MAD-based variance of ~10⁵ standardised residuals: relative SE
	// ≈ 1.4% (plus the fetal-preference profile's share of the per-bin
	// short share, below 1% of the binomial variance here).
	if m.Phi < 0.93 || m.Phi > 1.07 {
		t.Errorf("phi %.3f, want ≈ 1 for binomial counts", m.Phi)
	}
	for i, k := range m.KappaValues {
		// Blocks of n bins: the RMS over ~40·(bins/n) blocks has relative
		// SE ≈ 1/√(2·blocks); 0.85–1.2 holds to the largest block size.
		if k < 0.85 || k > 1.2 {
			t.Errorf("kappa(%d) = %.3f, want ≈ 1 for independent bins", m.KappaSizes[i], k)
		}
	}
	t.Logf("beta %.4f ± %.4f (n %d), phi %.3f, kappa %v", m.Beta, m.BetaSE, m.BetaN, m.Phi, m.KappaValues)
	if len(m.Mu) != len(f.Ref.Auto) {
		t.Fatalf("%d expected shares for %d bins", len(m.Mu), len(f.Ref.Auto))
	}
}

// ShortResiduals removes a sample's own level and GC slope: residuals of a
// sample drawn with an offset and a GC trend on top of the expected shares
// have mean ≈ 0 in every GC stratum and unit standardised variance.
func TestShortResidualsRemoveLevelAndGC(t *testing.T) {
	f := fixtureT(t)
	st, auto := f.Static, f.Ref.Auto
	r := rand.New(rand.NewPCG(7, 7))
	mu := make([]float64, len(auto))
	reads := make([]uint32, st.Layout.NumBins())
	short := make([]uint32, st.Layout.NumBins())
	for a, j := range auto {
		mu[a] = 0.15 + 0.02*r.NormFloat64()
		p := mu[a] + 0.01 + 0.2*(st.GC[j]-0.4) // sample offset and GC slope
		n := 800 + r.IntN(400)
		reads[j] = uint32(n)
		short[j] = uint32(distuv.Binomial{N: float64(n), P: p, Src: r}.Rand())
	}
	y, v := ShortResiduals(st, auto, mu, reads, short)
	var lo, hi []float64
	var ss float64
	var n int
	for _, j := range auto {
		if math.IsNaN(y[j]) {
			t.Fatalf("bin %d has no residual", j)
		}
		z := y[j] / math.Sqrt(v[j])
		ss += z * z
		n++
		if st.GC[j] < 0.4 {
			lo = append(lo, z)
		} else {
			hi = append(hi, z)
		}
	}
	if vr := ss / float64(n); vr < 0.9 || vr > 1.1 {
		t.Errorf("standardised residual variance %.3f, want ≈ 1", vr)
	}
	for name, zs := range map[string][]float64{"GC < 40%": lo, "GC ≥ 40%": hi} {
		var s float64
		for _, z := range zs {
			s += z
		}
		// Mean of ~1,400 unit-variance values: SE ≈ 0.027.
		if m := s / float64(len(zs)); math.Abs(m) > 0.1 {
			t.Errorf("%s: mean standardised residual %.3f, want ≈ 0", name, m)
		}
	}
	if phi := ShortPhi(y, v); phi < 0.9 || phi > 1.1 {
		t.Errorf("own phi %.3f, want ≈ 1", phi)
	}
}

// Without enough paired-end samples there is no model, and the reference
// says why only when some samples were paired-end.
func TestShortModelNeedsPairedSamples(t *testing.T) {
	f := fixtureT(t)
	single := synth.EuploidSamples("se", 30, 2_000_000, false, 5)
	co := f.Model.Draw(single)
	ps := prepare(t, f.Static, co)
	opt := FixtureOptions()
	ref, err := Fit(f.Static, ps, opt)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Short != nil {
		t.Error("single-end reference has a short-fragment model")
	}
	for _, p := range ref.Samples {
		if p.BinReads != nil || p.BinShort != nil {
			t.Fatalf("single-end sample %s keeps per-bin fragment counts", p.ID)
		}
	}
	for _, w := range ref.Warnings {
		if strings.Contains(w, "short-fragment track") {
			t.Errorf("single-end reference warns about the short-fragment track: %q", w)
		}
	}
	// 15 paired-end samples among 45: too few for the model, and the
	// reference says so.
	mixed, err := Fit(f.Static, append(ps, prepare(t, f.Static, &synth.Cohort{Counts: f.Counts[:15]})...), opt)
	if err != nil {
		t.Fatal(err)
	}
	if mixed.Short != nil {
		t.Error("15 paired-end samples gave a short-fragment model")
	}
	warned := false
	for _, w := range mixed.Warnings {
		warned = warned || strings.Contains(w, "15 paired-end reference samples")
	}
	if !warned {
		t.Errorf("no warning about the 15 paired-end samples: %q", mixed.Warnings)
	}
}
