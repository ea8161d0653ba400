package call

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/stats"
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
	ff := FFPrior{Value: 0.12, SE: 0.01}
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
	// noise SDs: not callable (whatever the data).
	in := sexInput(1, 0, 0.015)
	in.X = math.Log2(1 - 0.015/4) // halfway
	got := CallSex(in, FFPrior{Value: 0.015, SE: 0.005}, cfg)
	if got.Call != result.NoCall || !strings.Contains(got.NoCallReason, "not callable") {
		t.Errorf("halfway X dosage at FF 1.5%%: call %s (%q), want a not-callable no call", got.Call, got.NoCallReason)
	}
	// Halfway between 46,XX and 47,XXX at FF 12% (3 SD from each, u = 6
	// at the bound 11.6%: callable): a two-zone decision, low risk (the
	// posterior of 47,XXX is about 1/3), never an "ambiguous" no call.
	in = sexInput(2, 0, 0.12)
	in.XSD = math.Log2(1+0.12/2) / 6
	in.X = math.Log2(1+0.12/2) / 2
	if got := CallSex(in, FFPrior{Value: 0.12, SE: 0.002}, cfg); got.Call != result.LowRisk {
		t.Errorf("halfway X dosage at FF 12%%: call %s (%q), want low risk; posterior %v", got.Call, got.NoCallReason, got.Posterior)
	}
	// X dosage 0.8 (maternal 45,X mosaicism): no fetal complement gives it.
	in = sexInput(2, 0, 0.1)
	in.X = math.Log2(0.8)
	got = CallSex(in, FFPrior{Value: 0.1, SE: 0.01}, cfg)
	if got.Call != result.NoCall || got.NoCallReason == "" {
		t.Errorf("maternal-looking X dosage: call %s (%q), want a no call naming the mother", got.Call, got.NoCallReason)
	}
	// No chrX model.
	in.HasX = false
	if got := CallSex(in, FFPrior{Value: 0.1, SE: 0.01}, cfg); got.Call != result.NoCall {
		t.Errorf("without a chrX model: call %s", got.Call)
	}
}

// TestSCAPower compares SCAPower with the rate at which CallSex's posterior
// actually reaches SCAPosterior for a one-copy X gain (47,XXX against
// 46,XX) at a precisely known fetal fraction, and the false-positive rate
// of 46,XX fetuses with Φ(−(u/2 + ln k/u)) summed over the gain and the
// loss direction (47,XXX and 45,X). 1,000 draws per
// case: the rates agree within 4 binomial SEs plus 0.01 (the full model
// also weighs 45,X and the chrY term, which the formula leaves out).
func TestSCAPower(t *testing.T) {
	cfg := DefaultConfig()
	const f, n = 0.10, 1000
	d := math.Log2(1 + f/2)
	k := cfg.SCAPosterior / (1 - cfg.SCAPosterior) * Karyotypes[0].Prior / Karyotypes[2].Prior
	r := rand.New(rand.NewPCG(21, 21))
	for _, u := range []float64{3, 5.3, 7} {
		sd := d / u
		want := SCAPower(f, sd, cfg)
		var hit, fp int
		for i := 0; i < n; i++ {
			for _, nx := range []int{3, 2} {
				in := sexInput(nx, 0, f)
				in.XSD = sd
				in.X += sd * r.NormFloat64()
				res := CallSex(in, FFPrior{Value: f, SE: 1e-4}, cfg)
				if res.Posterior[0]+res.Posterior[1] <= 1-cfg.SCAPosterior {
					if nx == 3 {
						hit++
					} else {
						fp++
					}
				}
			}
		}
		got := float64(hit) / n
		if tol := 4*math.Sqrt(want*(1-want)/n) + 0.01; math.Abs(got-want) > tol {
			t.Errorf("u = %.1f: detection %.3f, SCAPower %.3f (tolerance %.3f)", u, got, want, tol)
		}
		ul := -math.Log2(1-f/2) / sd
		fpBound := stats.NormalSF(u/2+math.Log(k)/u) + stats.NormalSF(ul/2+math.Log(k)/ul)
		if lim := fpBound*n + 4*math.Sqrt(fpBound*n) + 1; float64(fp) > lim {
			t.Errorf("u = %.1f: %d of %d euploid fetuses called high risk, expected about %.1f", u, fp, n, fpBound*n)
		}
	}
	// The rule's design point: 95% detection needs u ≥ 5.3.
	if p := SCAPower(f, d/5.3, cfg); math.Abs(p-0.95) > 0.005 {
		t.Errorf("SCAPower at u = 5.3: %.4f, want 0.95", p)
	}
}

// TestSCACallable: the decision is SCADetectionProb against SCADetection;
// SCADetectionProb is SCAPower averaged over the posterior of the fetal
// fraction, checked against an independent trapezoid integral over
// N(f̂, SE²) × the log-normal population density (median 10%, log-SD 0.5)
// on (0, 0.5] (10,000 steps: error far below 0.001), equals SCAPower at a
// precisely known fraction, and falls as the fraction becomes less
// certain. An unknown fetal fraction is never callable.
func TestSCACallable(t *testing.T) {
	cfg := DefaultConfig()
	trap := func(ff FFPrior, sd float64) float64 {
		lo, hi := math.Max(1e-4, ff.Value-8*ff.SE), math.Min(MaxFF, ff.Value+8*ff.SE)
		const n = 10_000
		var num, den float64
		for i := 0; i <= n; i++ {
			f := lo + (hi-lo)*float64(i)/n
			lz := math.Log(f/cfg.FFPriorMedian) / cfg.FFPriorLogSD
			w := math.Exp(-0.5*math.Pow((f-ff.Value)/ff.SE, 2)-0.5*lz*lz) / f
			if i == 0 || i == n {
				w /= 2
			}
			num += w * SCAPower(f, sd, cfg)
			den += w
		}
		return num / den
	}
	for _, tc := range []struct {
		ff  FFPrior
		xsd float64
	}{{FFPrior{Value: 0.10, SE: 0.01}, 0.005}, {FFPrior{Value: 0.10, SE: 0.03}, 0.005}, {FFPrior{Value: 0.10, SE: 0.01}, 0.012}, {FFPrior{Value: 0.05, SE: 0.02}, 0.004}, {FFPrior{Value: 0.2, SE: 0.05}, 0.01}} {
		p := SCADetectionProb(tc.ff, tc.xsd, cfg)
		if want := trap(tc.ff, tc.xsd); math.Abs(p-want) > 0.002 {
			t.Errorf("%+v sd %.3f: detection probability %.4f, integral %.4f", tc.ff, tc.xsd, p, want)
		}
		ok, reason := SCACallable(tc.ff, tc.xsd, cfg)
		if ok != (p >= cfg.SCADetection) || ok == (reason != "") {
			t.Errorf("%+v sd %.3f: callable %v (%q) at detection probability %.3f", tc.ff, tc.xsd, ok, reason, p)
		}
	}
	if p, q := SCADetectionProb(FFPrior{Value: 0.06, SE: 1e-4}, 0.005, cfg), SCAPower(0.06, 0.005, cfg); math.Abs(p-q) > 1e-3 {
		t.Errorf("precise fetal fraction: detection %.4f, SCAPower %.4f", p, q)
	}
	if a, b := SCADetectionProb(FFPrior{Value: 0.08, SE: 0.005}, 0.006, cfg), SCADetectionProb(FFPrior{Value: 0.08, SE: 0.03}, 0.006, cfg); !(b < a) {
		t.Errorf("detection %.4f with SE 0.5 points, %.4f with SE 3: should fall", a, b)
	}
	if ok, _ := SCACallable(FFPrior{Value: math.NaN()}, 0.001, cfg); ok {
		t.Error("callable without a fetal fraction")
	}
	// An estimate below min_ff is not callable even when the posterior,
	// pulled towards the population median, promises detection.
	low := FFPrior{Value: cfg.MinFF - 0.005, SE: 0.03}
	if ok, reason := SCACallable(low, 0.002, cfg); ok || !strings.Contains(reason, "min_ff") {
		t.Errorf("estimate %.1f%% below min_ff: callable %v (%q), detection probability %.3f", 100*low.Value, ok, reason, SCADetectionProb(low, 0.002, cfg))
	}
}
