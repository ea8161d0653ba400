package call

import (
	"math"
	"testing"

	"github.com/nipt/nipt/internal/result"
)

func TestCallTrisomy(t *testing.T) {
	cfg := DefaultConfig()
	// Chromosome noise 0.005 log2 (chr21 at ~4 M reads).
	const sd = 0.005
	for _, tc := range []struct {
		name      string
		value     float64
		ff        FFPrior
		want      result.Call
		mosaic    bool
		lrPositve bool
	}{
		{"T21 at FF 10%", TrisomyShift(0.10), FFPrior{0.10, 0.01}, result.HighRisk, false, true},
		{"euploid at FF 10%", 0, FFPrior{0.10, 0.01}, result.LowRisk, false, false},
		{"euploid at FF 2%", 0, FFPrior{0.02, 0.005}, result.NoCall, false, false},
		{"unknown FF", 0, FFPrior{Value: math.NaN()}, result.NoCall, false, false},
		// A trisomy effect of FF 6% in a sample whose FF is 16%: mosaic.
		{"mosaic", TrisomyShift(0.06), FFPrior{0.16, 0.01}, result.HighRisk, true, false},
		// Unknown FF does not prevent a high-risk call.
		{"T21 unknown FF", TrisomyShift(0.10), FFPrior{Value: math.NaN()}, result.HighRisk, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CallTrisomy(Dosage{Value: tc.value, SD: sd, Retention: 1}, tc.ff, cfg)
			if got.Call != tc.want {
				t.Errorf("call %s, want %s (z %.2f, pdetect %.3f, %s)", got.Call, tc.want, got.Z, got.PDetect, got.NoCallReason)
			}
			if got.Mosaic != tc.mosaic {
				t.Errorf("mosaic %v, want %v", got.Mosaic, tc.mosaic)
			}
			if tc.lrPositve && !(got.LogLR > 2) {
				t.Errorf("log10 LR %.2f, want > 2 for a clear trisomy", got.LogLR)
			}
			if got.Call == result.NoCall && got.NoCallReason == "" {
				t.Error("no-call without reason")
			}
		})
	}
}

// The detection probability grows with the fetal fraction and matches the
// normal power at a known fetal fraction.
func TestPDetect(t *testing.T) {
	cfg := DefaultConfig()
	prev := 0.0
	for _, f := range []float64{0.02, 0.04, 0.06, 0.1} {
		got := CallTrisomy(Dosage{SD: 0.005, Retention: 1}, FFPrior{f, 1e-5}, cfg).PDetect
		if got < prev {
			t.Errorf("PDetect not monotone at FF %g", f)
		}
		prev = got
		// Known FF: P(z ≥ 3) = Φ(δ/σ − 3).
		want := 1 - 0.5*math.Erfc((TrisomyShift(f)/0.005-3)/math.Sqrt2)
		if math.Abs(got-want) > 0.01 {
			t.Errorf("FF %g: PDetect %.4f, want %.4f", f, got, want)
		}
	}
}

// The LR of a euploid value decreases (favours euploidy more) with the FF.
func TestLogLRDirection(t *testing.T) {
	cfg := DefaultConfig()
	lo := CallTrisomy(Dosage{SD: 0.005, Retention: 1}, FFPrior{0.04, 0.005}, cfg).LogLR
	hi := CallTrisomy(Dosage{SD: 0.005, Retention: 1}, FFPrior{0.15, 0.005}, cfg).LogLR
	if !(hi < lo && lo < 0) {
		t.Errorf("euploid log10 LR at FF 4%% = %.2f, at 15%% = %.2f: want both negative and the latter smaller", lo, hi)
	}
}

func TestRATThreshold(t *testing.T) {
	c := DefaultConfig()
	if got := c.RATThreshold(); math.Abs(got-3.80) > 0.01 {
		t.Errorf("RAT threshold %.3f, want 3.80", got)
	}
	c.RATZThreshold = 4.5
	if c.RATThreshold() != 4.5 {
		t.Error("explicit RAT threshold ignored")
	}
}
