package call

import (
	"math"
	"testing"

	"github.com/nipt/nipt/internal/result"
)

// sexInput simulates the expected X and Y dosages of a karyotype at fetal
// fraction f (no noise: the expected values sit at the centre of the
// likelihood), with a chrY model of 100 bins and perfect normalisation.
func sexInput(nx, ny int, f float64) SexInput {
	scale := 2.0 / 100
	return SexInput{
		X: math.Log2((1 - f) + f*float64(nx)/2), XSD: 0.004, HasX: true,
		Y: 0.05 + f*float64(ny)/scale, YVar: 0.01, Background: 0.05, BGSD: 0.02, Scale: scale, HasY: true,
	}
}

func TestCallSex(t *testing.T) {
	cfg := DefaultConfig()
	ff := FFPrior{0.12, 0.01}
	for _, k := range Karyotypes {
		t.Run(k.Name, func(t *testing.T) {
			got := CallSex(sexInput(k.NX, k.NY, 0.12), ff, cfg)
			euploid := k.Name == "46,XX" || k.Name == "46,XY"
			switch {
			case euploid && got.Call != result.LowRisk:
				t.Errorf("call %s (%s), want low risk; posterior %v", got.Call, got.NoCallReason, got.Posterior)
			case !euploid && (got.Call != result.HighRisk || got.Type != k.Name):
				t.Errorf("call %s type %q, want high risk %s; posterior %v", got.Call, got.Type, k.Name, got.Posterior)
			}
			wantSex := "female"
			if k.NY > 0 {
				wantSex = "male"
			}
			if got.FetalSex != wantSex {
				t.Errorf("fetal sex %s, want %s", got.FetalSex, wantSex)
			}
		})
	}
}

func TestCallSexAmbiguousAndMaternal(t *testing.T) {
	cfg := DefaultConfig()
	// 45,X against 46,XX at FF 1.5%: X dosages differ by 0.75%, about two
	// noise SDs: ambiguous.
	in := sexInput(1, 0, 0.015)
	in.X = math.Log2(1 - 0.015/4) // halfway
	got := CallSex(in, FFPrior{0.015, 0.005}, cfg)
	if got.Call != result.NoCall {
		t.Errorf("halfway X dosage at FF 1.5%%: call %s, want no call", got.Call)
	}
	// X dosage 0.8 (maternal 45,X mosaicism): no fetal complement gives it.
	in = sexInput(2, 0, 0.1)
	in.X = math.Log2(0.8)
	got = CallSex(in, FFPrior{0.1, 0.01}, cfg)
	if got.Call != result.NoCall || got.NoCallReason == "" {
		t.Errorf("maternal-looking X dosage: call %s (%q), want a no call naming the mother", got.Call, got.NoCallReason)
	}
	// No chrX model.
	in.HasX = false
	if got := CallSex(in, FFPrior{0.1, 0.01}, cfg); got.Call != result.NoCall {
		t.Errorf("without a chrX model: call %s", got.Call)
	}
}
