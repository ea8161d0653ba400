package refset

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/refset/synth"
	"github.com/nipt/nipt/internal/stats"
	"gonum.org/v1/gonum/stat"
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

// β is estimated within samples (the chrY fragments of male-fetus
// references against their autosomal fragments), so the fixture's
// per-sample variation of the maternal short share (log-SD 5%, ≈ 0.6
// points) cancels. The across-sample regression of the autosomal short
// share on the true fetal fraction — the estimator used before, here
// even given the true fractions — keeps that variation: its SE must be
// several times larger than the within-sample one, and both must find the
// generative difference.
func TestShortBetaWithinSamples(t *testing.T) {
	f := fixtureT(t)
	m := f.Ref.Short
	if m == nil {
		t.Fatalf("no short-fragment model; warnings: %q", f.Ref.Warnings)
	}
	want := f.Model.ShortFetal - f.Model.ShortMaternal
	byID := map[string]*SampleProfile{}
	for i := range f.Ref.Samples {
		byID[f.Ref.Samples[i].ID] = &f.Ref.Samples[i]
	}
	var x, y []float64
	for _, s := range f.Samples {
		if p := byID[s.ID]; s.Male && p != nil && !math.IsNaN(p.ShortFraction) {
			x = append(x, s.FF)
			y = append(y, p.ShortFraction)
		}
	}
	if len(x) != m.BetaN {
		t.Errorf("β from %d male-fetus references, the fixture has %d", m.BetaN, len(x))
	}
	_, slope := stat.LinearRegression(x, y, nil, false)
	mx, my := stat.Mean(x, nil), stat.Mean(y, nil)
	var sxx, rss float64
	for i := range x {
		r := y[i] - my - slope*(x[i]-mx)
		sxx += (x[i] - mx) * (x[i] - mx)
		rss += r * r
	}
	slopeSE := math.Sqrt(rss / float64(len(x)-2) / sxx)
	t.Logf("within samples %.4f ± %.4f; across samples %.4f ± %.4f; generative %.4f", m.Beta, m.BetaSE, slope, slopeSE, want)
	if d := math.Abs(slope - want); d > 3*slopeSE {
		t.Errorf("across-sample slope %.4f ± %.4f, generative %.4f: the comparison is broken", slope, slopeSE, want)
	}
	if !(m.BetaSE < slopeSE/3) {
		t.Errorf("within-sample β SE %.4f is not a third of the across-sample slope's %.4f", m.BetaSE, slopeSE)
	}
}

// ShortResiduals removes a sample's own level and GC curve: residuals of a
// sample drawn with an offset and a curved GC trend on top of the expected
// shares have mean ≈ 0 in every GC stratum — the extremes included, where
// a line alone would leave the curvature — and unit standardised variance.
func TestShortResidualsRemoveLevelAndGC(t *testing.T) {
	f := fixtureT(t)
	st, auto := f.Static, f.Ref.Auto
	r := rand.New(rand.NewPCG(7, 7))
	mu := make([]float64, len(auto))
	reads := make([]uint32, st.Layout.NumBins())
	short := make([]uint32, st.Layout.NumBins())
	for a, j := range auto {
		mu[a] = 0.15 + 0.02*r.NormFloat64()
		g := st.GC[j] - 0.4
		p := mu[a] + 0.01 + 0.2*g - 3*g*g // sample offset, GC slope and curvature
		n := 800 + r.IntN(400)
		reads[j] = uint32(n)
		short[j] = uint32(distuv.Binomial{N: float64(n), P: p, Src: r}.Rand())
	}
	y, v := ShortResiduals(st, auto, mu, reads, short)
	// GC terciles of the modelled bins.
	gcs := make([]float64, 0, len(auto))
	for _, j := range auto {
		gcs = append(gcs, st.GC[j])
	}
	q1, q2 := stats.Quantile(gcs, 1.0/3), stats.Quantile(gcs, 2.0/3)
	var lo, mid, hi []float64
	var ss float64
	var n int
	for _, j := range auto {
		if math.IsNaN(y[j]) {
			t.Fatalf("bin %d has no residual", j)
		}
		z := y[j] / math.Sqrt(v[j])
		ss += z * z
		n++
		switch {
		case st.GC[j] < q1:
			lo = append(lo, z)
		case st.GC[j] < q2:
			mid = append(mid, z)
		default:
			hi = append(hi, z)
		}
	}
	if vr := ss / float64(n); vr < 0.9 || vr > 1.1 {
		t.Errorf("standardised residual variance %.3f, want ≈ 1", vr)
	}
	for name, zs := range map[string][]float64{"low GC": lo, "middle GC": mid, "high GC": hi} {
		var s float64
		for _, z := range zs {
			s += z
		}
		// Mean of ~900 unit-variance values: SE ≈ 0.033.
		if m := s / float64(len(zs)); math.Abs(m) > 0.13 {
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

// ShortOwnKappa finds a sample's correlated short-share noise: residuals
// sharing a common offset within blocks of 8 bins have a block-mean
// inflation of √(1 + 8·0.25) ≈ 1.7 for blocks of 8 and more (block
// sizes aligned with them), independent residuals ≈ 1; a real change in a
// few blocks does not move the robust estimate.
func TestShortOwnKappa(t *testing.T) {
	f := fixtureT(t)
	st, auto := f.Static, f.Ref.Auto
	l := st.Layout
	r := rand.New(rand.NewPCG(3, 9))
	nb := l.NumBins()
	sizes := []int{1, 8, 16}
	for _, corr := range []bool{false, true} {
		y := make([]float64, nb)
		v := make([]float64, nb)
		for j := range y {
			y[j], v[j] = math.NaN(), math.NaN()
		}
		// Blocks of 8 consecutive modelled bins of a chromosome share an
		// offset of variance 0.25 (per-bin variance 1).
		var shared float64
		cnt := 0
		prev := -1
		for _, j := range auto {
			c := chromOf(l, int(j))
			if c != prev || cnt == 8 {
				shared, cnt, prev = 0.5*r.NormFloat64(), 0, c
			}
			cnt++
			y[j], v[j] = r.NormFloat64(), 1
			if corr {
				y[j] += shared
			}
		}
		// A real change: 40 bins raised by 3 SD each.
		for _, j := range auto[100:140] {
			y[j] += 3
		}
		k := ShortOwnKappa(l, auto, y, v, sizes)
		want := []float64{1, 1, 1}
		if corr {
			want = []float64{math.Sqrt(1.25), math.Sqrt(1 + 8*0.25), math.Sqrt(1 + 8*0.25)}
		}
		for i := range sizes {
			// ~900 blocks of 1, ~110 of 8, ~55 of 16: MAD relative SE
			// ≈ 1.1/√blocks, 15% at 16 bins.
			if math.Abs(k[i]/want[i]-1) > 0.2 {
				t.Errorf("correlated %v: own kappa(%d) = %.3f, want ≈ %.3f", corr, sizes[i], k[i], want[i])
			}
		}
	}
	// Too few blocks: no estimate. Real residuals, so that only the block
	// count can give NaN: 6 blocks of 8 over 50 bins (≥ 30 needed), while
	// single bins give 50 blocks and an estimate.
	y := make([]float64, nb)
	v := make([]float64, nb)
	for _, j := range auto[:50] {
		y[j], v[j] = r.NormFloat64(), 1
	}
	if k := ShortOwnKappa(l, auto[:50], y, v, []int{1, 8}); math.IsNaN(k[0]) || !math.IsNaN(k[1]) {
		t.Errorf("50 bins: kappa(1) %.3f, kappa(8) %.3f; want an estimate and NaN", k[0], k[1])
	}
}
