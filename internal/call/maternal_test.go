package call

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nipt/nipt/internal/result"
)

// TestTrisomyPossibleMaternal: a high-risk dosage far above what a fetal
// trisomy at the fetal fraction gives is flagged as of possible maternal
// origin; a fetal trisomy at the estimated fraction is not, nor a mosaic.
func TestTrisomyPossibleMaternal(t *testing.T) {
	cfg := DefaultConfig()
	const sd = 0.005
	ff := FFPrior{Value: 0.10, SE: 0.01}
	for _, tc := range []struct {
		name             string
		value            float64
		mosaic, maternal bool
	}{
		{"fetal trisomy at the estimate", TrisomyShift(0.10), false, false},
		// A maternal mosaic trisomy in 20% of her cells: 0.9·0.2/2 = 9% more.
		{"maternal mosaic trisomy", math.Log2(1 + 0.9*0.2/2 + 0.05), false, true},
		{"placental mosaic at half the level", TrisomyShift(0.10) / 2, true, false},
	} {
		got := CallTrisomy(Dosage{Value: tc.value, SD: sd, Retention: 1}, ff, cfg.Prevalence.T21, false, cfg)
		if got.Call != result.HighRisk || got.Mosaic != tc.mosaic || got.Maternal != tc.maternal {
			t.Errorf("%s: call %s mosaic %v maternal %v, want high risk, %v, %v", tc.name, got.Call, got.Mosaic, got.Maternal, tc.mosaic, tc.maternal)
		}
	}
	// Without an estimate nothing is flagged.
	if got := CallTrisomy(Dosage{Value: 0.2, SD: sd, Retention: 1}, FFPrior{Value: math.NaN()}, cfg.Prevalence.T21, false, cfg); got.Maternal {
		t.Error("flagged without a fetal-fraction estimate")
	}
	// Fetal trisomies whose fraction is estimated with SE 2 points are
	// flagged rarely: the truth must exceed the upper bound (2.5%) and the
	// dosage must clear it by 1.96 SD.
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 4000
	flagged := 0
	for i := 0; i < n; i++ {
		f := 0.04 + 0.16*rng.Float64()
		est := FFPrior{Value: f + 0.02*rng.NormFloat64(), SE: 0.02}
		got := CallTrisomy(Dosage{Value: TrisomyShift(f) + sd*rng.NormFloat64(), SD: sd, Retention: 1}, est, cfg.Prevalence.T21, false, cfg)
		if got.Maternal {
			flagged++
		}
	}
	if rate := float64(flagged) / n; rate > 0.025 {
		t.Errorf("fetal trisomies flagged maternal: %.2f%%, want ≤ 2.5%%", 100*rate)
	}
}

// TestSCAPossibleMaternal: a 45,X call whose chrX loss is about twice what
// the fetal fraction allows (maternal 45,X/46,XX mosaicism) is flagged; a
// fetal 45,X or 47,XXX at the estimated fraction, or an SCA with a chrY,
// is not. The sex-blind estimate's SE (3 points) leaves the maternal
// dosage within what some plausible fraction explains, so it is called,
// and flagged; with a precise estimate the same dosage fits no fetal
// complement and is a no call ("possible maternal … mosaicism").
func TestSCAPossibleMaternal(t *testing.T) {
	cfg := DefaultConfig()
	ff := FFPrior{Value: 0.10, SE: 0.03}
	// Maternal mosaicism: 20% of the mother's cells 45,X, a female fetus.
	mat := sexInput(2, 0, 0.10)
	mat.X = math.Log2(1 - 0.9*0.2/2)
	for _, tc := range []struct {
		name     string
		in       SexInput
		typ      string
		maternal bool
	}{
		{"fetal 45,X", sexInput(1, 0, 0.10), "45,X", false},
		{"fetal 47,XXX", sexInput(3, 0, 0.10), "47,XXX", false},
		{"fetal 47,XXY", sexInput(2, 1, 0.10), "47,XXY", false},
		{"maternal 45,X mosaicism", mat, "45,X", true},
	} {
		got := CallSex(tc.in, ff, cfg)
		if tc.maternal {
			if p := CallSex(tc.in, FFPrior{Value: 0.10, SE: 0.005}, cfg); p.Call != result.NoCall {
				t.Errorf("%s with a precise estimate: call %s, want a no call", tc.name, p.Call)
			}
		}
		if got.Call != result.HighRisk || got.Type != tc.typ || got.Maternal != tc.maternal {
			t.Errorf("%s: call %s %s maternal %v (%q), want high risk %s maternal %v", tc.name, got.Call, got.Type, got.Maternal, got.NoCallReason, tc.typ, tc.maternal)
		}
	}
}
