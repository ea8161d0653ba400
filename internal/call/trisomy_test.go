package call

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/result"
)

func TestCallTrisomy(t *testing.T) {
	cfg := DefaultConfig()
	t21 := cfg.Prevalence.T21
	// Chromosome noise 0.005 log2 (chr21 at ~4 M reads) unless a case sets
	// its own.
	const sd = 0.005
	// dLR is the dosage whose log10 LR is l at a precisely known fetal
	// fraction f: log LR = (dδ − δ²/2)/σ², δ = TrisomyShift(f).
	dLR := func(l, f, s float64) float64 {
		d := TrisomyShift(f)
		return (l*math.Ln10*s*s + d*d/2) / d
	}
	for _, tc := range []struct {
		name      string
		value, sd float64
		ff        FFPrior
		prev      float64
		want      result.Call
		reason    string // part of the no-call reason
		mosaic    bool
		lrPositve bool
	}{
		{"T21 at FF 10%", TrisomyShift(0.10), sd, FFPrior{Value: 0.10, SE: 0.01}, t21, result.HighRisk, "", false, true},
		{"euploid at FF 10%", 0, sd, FFPrior{Value: 0.10, SE: 0.01}, t21, result.LowRisk, "", false, false},
		{"euploid, estimate below min_ff", 0, sd, FFPrior{Value: 0.02, SE: 0.005}, t21, result.NoCall, "below min_ff", false, false},
		// FF 6% estimated with SE 2.5 points, the sex-blind precision:
		// with the population distribution, fetal fractions below 2% —
		// where a trisomy would look euploid — have posterior ≈ 0.1%, so
		// a dosage at 0 is strong evidence (the earlier floor of 3.29 SE,
		// 8.2%, no-called it).
		{"euploid, FF 6% ± 2.5 points", 0, sd, FFPrior{Value: 0.06, SE: 0.025}, t21, result.LowRisk, "", false, false},
		// FF 6% ± 0.5 points: a trisomy would give z ≈ 8.4; observing 0
		// is overwhelming evidence for euploidy.
		{"euploid at FF 6%", 0, sd, FFPrior{Value: 0.06, SE: 0.005}, t21, result.LowRisk, "", false, false},
		// Dosage halfway to the trisomy expectation at FF 4% (z 1.4): LR
		// ≈ 1. Even a prevalence of 1 in 100,000 — residual risk below
		// 1 in 10,000 — gives no low-risk call without evidence.
		{"no evidence, rare condition", TrisomyShift(0.04) / 2, sd, FFPrior{Value: 0.04, SE: 0.003}, 1e-5, result.NoCall, "times more likely", false, false},
		// log10 LR −2 at FF 6% (σ 0.0078, z 1.9): risk after the test 1 in
		// 25,000 at the T21 prevalence 1/252 — low risk — but 1 in 2,000
		// in a population at 1 in 20 (e.g. after a high-risk combined
		// test): no call.
		{"LR 1/100, prevalence 1/252", dLR(-2, 0.06, 0.0078), 0.0078, FFPrior{Value: 0.06, SE: 0.003}, t21, result.LowRisk, "", false, false},
		{"LR 1/100, prevalence 1/20", dLR(-2, 0.06, 0.0078), 0.0078, FFPrior{Value: 0.06, SE: 0.003}, 0.05, result.NoCall, "risk after the test", false, false},
		{"unknown FF", 0, sd, FFPrior{Value: math.NaN()}, t21, result.NoCall, "could not be estimated", false, false},
		// A trisomy effect of FF 6% in a sample whose FF is 16%: mosaic.
		{"mosaic", TrisomyShift(0.06), sd, FFPrior{Value: 0.16, SE: 0.01}, t21, result.HighRisk, "", true, false},
		// Unknown FF does not prevent a high-risk call.
		{"T21 unknown FF", TrisomyShift(0.10), sd, FFPrior{Value: math.NaN()}, t21, result.HighRisk, "", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CallTrisomy(Dosage{Value: tc.value, SD: tc.sd, Retention: 1}, tc.ff, tc.prev, false, cfg)
			if got.Call != tc.want {
				t.Errorf("call %s, want %s (z %.2f, log10 LR %.2f, risk %.3g, %s)", got.Call, tc.want, got.Z, got.LogLR, got.Risk, got.NoCallReason)
			}
			if !strings.Contains(got.NoCallReason, tc.reason) {
				t.Errorf("no-call reason %q does not say %q", got.NoCallReason, tc.reason)
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
			if got.Call == result.LowRisk && !(got.Risk <= cfg.LowRiskResidual && got.LogLR <= cfg.LowRiskLog10LR) {
				t.Errorf("low risk at risk %.3g, log10 LR %.2f", got.Risk, got.LogLR)
			}
		})
	}
}

// TestEuploidLowRiskAtModerateFF: euploid samples are mostly called low
// risk once the fetal fraction is moderate, whether it is estimated
// precisely (SE 0.4 points, chrY) or as imprecisely as the sex-blind
// estimate (SE 3 points). With the FF known, the T21 rule (LR ≤ 1/40 at
// prevalence 1/252) holds for a dosage d ≤ δ/2 − ln 40·σ²/δ: 1.48 SD at FF
// 5% (δ = 4.57 SD), 2.06 SD at 6%, 3.1 SD at 8%, probabilities 0.93, 0.98
// and 0.999; the minimums sit 4 binomial SDs (400 draws) under them, a
// little more at 5%, where the FF uncertainty lowers the share. With SE 3
// points at FF 10% (the population median) the requirement is a clinical
// one: at least 85% low risk (the earlier floor of 3.29 SE, 9.9% there,
// no-called every sample estimated below it, about half).
func TestEuploidLowRiskAtModerateFF(t *testing.T) {
	cfg := DefaultConfig()
	const sd = 0.0078
	r := rand.New(rand.NewPCG(5, 8))
	for _, tc := range []struct{ f, se, min float64 }{{0.05, 0.004, 0.85}, {0.06, 0.004, 0.95}, {0.08, 0.004, 0.985}, {0.10, 0.03, 0.85}} {
		low := 0
		for range 400 {
			d := sd * r.NormFloat64()
			est := tc.f + tc.se*r.NormFloat64()
			if CallTrisomy(Dosage{Value: d, SD: sd, Retention: 1}, FFPrior{Value: est, SE: tc.se}, cfg.Prevalence.T21, false, cfg).Call == result.LowRisk {
				low++
			}
		}
		if share := float64(low) / 400; share < tc.min {
			t.Errorf("euploid at FF %.0f%% (SE %.1f points): %.1f%% low risk, want ≥ %.1f%%", 100*tc.f, 100*tc.se, 100*share, 100*tc.min)
		}
	}
}

// The detection probability grows with the fetal fraction and matches the
// normal power at a known fetal fraction.
func TestPDetect(t *testing.T) {
	cfg := DefaultConfig()
	prev := 0.0
	for _, f := range []float64{0.02, 0.04, 0.06, 0.1} {
		got := CallTrisomy(Dosage{SD: 0.005, Retention: 1}, FFPrior{Value: f, SE: 1e-5}, cfg.Prevalence.T21, false, cfg).PDetect
		if got < prev {
			t.Errorf("PDetect not monotone at FF %g", f)
		}
		prev = got
		// Known FF: P(z ≥ c) = Φ(δ/σ − c), c the threshold of a known SD.
		c := cfg.TrisomyThreshold(0)
		want := 1 - 0.5*math.Erfc((TrisomyShift(f)/0.005-c)/math.Sqrt2)
		if math.Abs(got-want) > 0.01 {
			t.Errorf("FF %g: PDetect %.4f, want %.4f", f, got, want)
		}
	}
}

// The LR of a euploid value decreases (favours euploidy more) with the FF,
// and the risk after the test with it.
func TestLogLRDirection(t *testing.T) {
	cfg := DefaultConfig()
	lo := CallTrisomy(Dosage{SD: 0.005, Retention: 1}, FFPrior{Value: 0.04, SE: 0.005}, cfg.Prevalence.T21, false, cfg)
	hi := CallTrisomy(Dosage{SD: 0.005, Retention: 1}, FFPrior{Value: 0.15, SE: 0.005}, cfg.Prevalence.T21, false, cfg)
	if !(hi.LogLR < lo.LogLR && lo.LogLR < 0) {
		t.Errorf("euploid log10 LR at FF 4%% = %.2f, at 15%% = %.2f: want both negative and the latter smaller", lo.LogLR, hi.LogLR)
	}
	if !(hi.Risk < lo.Risk && lo.Risk < cfg.Prevalence.T21) {
		t.Errorf("risk after the test %.3g at FF 4%%, %.3g at 15%%: want both below the prevalence and the latter smaller", lo.Risk, hi.Risk)
	}
}

func TestRATThreshold(t *testing.T) {
	c := DefaultConfig()
	// Known SD: Φ⁻¹(1 − 0.001/19).
	if got := c.RATThreshold(0); math.Abs(got-3.878) > 0.002 {
		t.Errorf("RAT threshold %.3f, want 3.878", got)
	}
	if got, common := c.RATThreshold(79), c.TrisomyThreshold(79); !(got > c.RATThreshold(0) && got > common) {
		t.Errorf("RAT threshold with 79 df %.3f: want above the known-SD one and above the common trisomies' %.3f", got, common)
	}
	c.RATZThreshold = 4.5
	if c.RATThreshold(79) != 4.5 {
		t.Error("explicit RAT threshold ignored")
	}
}

// With the null SD estimated from n reference samples, a euploid
// chromosome reaches TrisomyThreshold(n − 1) with probability 1 −
// TrisomySpecificity; the normal quantile would be exceeded about 40% more
// often with 80 references. Seeded simulation: each draw estimates the SD
// from n null values and standardises a new one with it.
func TestTrisomyThresholdKeepsSpecificity(t *testing.T) {
	c := DefaultConfig()
	const n, reps = 80, 400_000
	thr, normal := c.TrisomyThreshold(n-1), c.TrisomyThreshold(0)
	rng := rand.New(rand.NewPCG(7, 11))
	var overT, overN int
	for range reps {
		var s, ss float64
		for range n {
			x := rng.NormFloat64()
			s += x
			ss += x * x
		}
		sd := math.Sqrt((ss - s*s/n) / (n - 1))
		z := rng.NormFloat64() / sd
		if z >= thr {
			overT++
		}
		if z >= normal {
			overN++
		}
	}
	alpha := 1 - c.TrisomySpecificity
	se := math.Sqrt(alpha * (1 - alpha) / reps)
	if got := float64(overT) / reps; math.Abs(got-alpha) > 4*se {
		t.Errorf("false-positive rate at the t threshold %.3f: %.5f, want %.5f ± %.5f", thr, got, alpha, 4*se)
	}
	if got := float64(overN) / reps; got < alpha+4*se {
		t.Errorf("false-positive rate at the normal threshold %.3f: %.5f; the test cannot tell it from %.5f", normal, got, alpha)
	}
}

// BenchmarkCallTrisomy: one autosome's call with the 400-node posterior
// quadrature (22 per sample).
func BenchmarkCallTrisomy(b *testing.B) {
	cfg := DefaultConfig()
	ff := FFPrior{Value: 0.06, SE: 0.03}
	for b.Loop() {
		CallTrisomy(Dosage{Value: 0.005, SD: 0.0078, Retention: 1}, ff, cfg.Prevalence.T21, false, cfg)
	}
}
