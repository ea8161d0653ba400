package call

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/stats"
)

// popConfig is the default configuration with ff_unknown = "population".
func popConfig(t *testing.T) Config {
	t.Helper()
	cfg, err := ParseConfig([]byte(`ff_unknown = "population"`))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestFFUnknownConfig(t *testing.T) {
	if DefaultConfig().FFUnknown != FFUnknownNoCall {
		t.Errorf("default ff_unknown %q, want %q", DefaultConfig().FFUnknown, FFUnknownNoCall)
	}
	for _, bad := range []string{`ff_unknown = "maybe"`, `ff_unknown = ""`, "ff_unknown = \"population\"\nff_prior_log_sd = 0"} {
		if _, err := ParseConfig([]byte(bad)); err == nil || !strings.Contains(err.Error(), "ff_unknown") {
			t.Errorf("%q: error %v, want one naming ff_unknown", bad, err)
		}
	}
}

// TestFFUnknownPopulationTrisomy: without a fetal-fraction estimate the
// default gives no low-risk call; ff_unknown = "population" weighs the
// population's fetal fractions, so a euploid chromosome measured precisely
// is low risk, while a trisomy is high risk either way and an ambiguous or
// imprecise dosage stays a no call.
func TestFFUnknownPopulationTrisomy(t *testing.T) {
	def, pop := DefaultConfig(), popConfig(t)
	unknown := FFPrior{Value: math.NaN(), Why: "single-end sample"}
	prev := def.Prevalence.T21
	const sd = 0.005 // chr21 at ~4 M reads
	for _, tc := range []struct {
		name        string
		value, sd   float64
		wantDefault result.Call
		wantPop     result.Call
		reason      string // part of the population no-call reason
	}{
		{"euploid", 0, sd, result.NoCall, result.LowRisk, ""},
		{"euploid, z −1.5", -1.5 * sd, sd, result.NoCall, result.LowRisk, ""},
		{"T21 at 10%", TrisomyShift(0.10), sd, result.HighRisk, result.HighRisk, ""},
		// z 2 would need a trisomy at a fraction of 1.4%, which the
		// population rarely has: low risk, as it is at a measured 10%;
		// z 2.5 (1.7%) is not 20 times likelier without a trisomy.
		{"z 2", 2 * sd, sd, result.NoCall, result.LowRisk, ""},
		{"z 2.5", 2.5 * sd, sd, result.NoCall, result.NoCall, "over the population's fetal fractions"},
		// A shallow sample: a trisomy at the median fraction is z 1.8, so
		// z 0 is no evidence of euploidy.
		{"imprecise", 0, 0.04, result.NoCall, result.NoCall, "inconclusive"},
	} {
		d := Dosage{Value: tc.value, SD: tc.sd, Retention: 1}
		a := CallTrisomy(d, unknown, prev, false, def)
		if a.Call != tc.wantDefault {
			t.Errorf("%s, default: call %s (%q), want %s", tc.name, a.Call, a.NoCallReason, tc.wantDefault)
		}
		if a.Call == result.NoCall && !strings.Contains(a.NoCallReason, "could not be estimated: single-end sample") {
			t.Errorf("%s, default: reason %q", tc.name, a.NoCallReason)
		}
		b := CallTrisomy(d, unknown, prev, false, pop)
		if b.Call != tc.wantPop || !strings.Contains(b.NoCallReason, tc.reason) {
			t.Errorf("%s, population: call %s (%q), want %s (%q)", tc.name, b.Call, b.NoCallReason, tc.wantPop, tc.reason)
		}
		if b.Call == result.LowRisk && !(b.Risk <= pop.LowRiskResidual && b.PDetect > 0.95) {
			t.Errorf("%s, population: low risk with risk %g and detection %g", tc.name, b.Risk, b.PDetect)
		}
		if b.Mosaic {
			t.Errorf("%s: mosaic flag without a fetal-fraction estimate", tc.name)
		}
	}
}

// TestFFUnknownPopulationErrorRates draws pregnancies whose fetal fraction
// follows the population distribution and checks the population policy's
// low-risk calls against what they promise: nearly every euploid
// chromosome is low risk; trisomies are low risk at the rate the low-risk
// boundary implies (those at fractions of 2–3% whose dosage reads low),
// and the risk after a low-risk result stays below low_risk_residual.
func TestFFUnknownPopulationErrorRates(t *testing.T) {
	cfg := popConfig(t)
	unknown := FFPrior{Value: math.NaN()}
	prev := cfg.Prevalence.T21
	const sd = 0.005
	call := func(v float64) result.Call {
		return CallTrisomy(Dosage{Value: v, SD: sd, Retention: 1}, unknown, prev, false, cfg).Call
	}
	// The low-risk region is z < zStar: the likelihood ratio rises with
	// the dosage, and no estimate enters.
	lo, hi := 0.0, 4.0
	if call(lo*sd) != result.LowRisk || call(hi*sd) == result.LowRisk {
		t.Fatalf("no low-risk boundary in z 0–4")
	}
	for i := 0; i < 50; i++ {
		if m := (lo + hi) / 2; call(m*sd) == result.LowRisk {
			lo = m
		} else {
			hi = m
		}
	}
	zStar := lo
	// Expected share of trisomies called low risk: ∫ p(f) Φ(z* − δ(f)/σ) df
	// over the log-normal population distribution.
	var want float64
	const nq = 4000
	for i := 0; i < nq; i++ {
		u := -6 + 12*(float64(i)+0.5)/nq // standard normal quantile grid
		f := cfg.FFPriorMedian * math.Exp(cfg.FFPriorLogSD*u)
		want += math.Exp(-u*u/2) / math.Sqrt(2*math.Pi) * (12.0 / nq) * stats.NormalCDF(zStar-TrisomyShift(f)/sd)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	const n = 20000
	var euLow, triLow, triHigh int
	for i := 0; i < n; i++ {
		f := cfg.FFPriorMedian * math.Exp(cfg.FFPriorLogSD*rng.NormFloat64())
		if call(sd*rng.NormFloat64()) == result.LowRisk {
			euLow++
		}
		switch call(TrisomyShift(f) + sd*rng.NormFloat64()) {
		case result.LowRisk:
			triLow++
		case result.HighRisk:
			triHigh++
		}
	}
	t.Logf("z* %.3f; euploid low risk %d, trisomies low risk %d (expected %.1f), high risk %d of %d", zStar, euLow, triLow, want*n, triHigh, n)
	if float64(euLow) < 0.97*n {
		t.Errorf("euploid low risk %d/%d, want ≥ 97%%", euLow, n)
	}
	// Poisson: within 4 SD of the expected count.
	if e := want * n; math.Abs(float64(triLow)-e) > 4*math.Sqrt(e)+1 {
		t.Errorf("trisomies called low risk %d/%d, expected %.1f", triLow, n, e)
	}
	// The promise of a low-risk result: the probability of a trisomy
	// after it, at the prevalence, is at most low_risk_residual.
	pl := float64(euLow) / n
	if r := prev * want / (prev*want + (1-prev)*pl); !(r <= cfg.LowRiskResidual) {
		t.Errorf("risk after a low-risk result %.2g > %g", r, cfg.LowRiskResidual)
	}
	if float64(triHigh) < 0.98*n {
		t.Errorf("trisomies called high risk %d/%d, want ≥ 98%%", triHigh, n)
	}
}

func TestFFUnknownPopulationSex(t *testing.T) {
	def, pop := DefaultConfig(), popConfig(t)
	unknown := FFPrior{Value: math.NaN()}
	for _, k := range Karyotypes {
		in := sexInput(k.NX, k.NY, 0.10)
		if got := CallSex(in, unknown, def); got.Call != result.NoCall || !strings.Contains(got.NoCallReason, "could not be estimated") {
			t.Errorf("%s, default: call %s (%q), want a no call", k.Name, got.Call, got.NoCallReason)
		}
		got := CallSex(in, unknown, pop)
		euploid := k.Name == "46,XX" || k.Name == "46,XY"
		switch {
		case euploid && got.Call != result.LowRisk:
			t.Errorf("%s, population: call %s (%q), want low risk; posterior %v", k.Name, got.Call, got.NoCallReason, got.Posterior)
		case !euploid && (got.Call != result.HighRisk || got.Type != k.Name):
			t.Errorf("%s, population: call %s type %q, want high risk; posterior %v", k.Name, got.Call, got.Type, got.Posterior)
		}
	}
	// A chrX too noisy for a one-copy change at the population's fractions
	// stays not callable.
	if ok, reason := SCACallable(unknown, 0.05, pop); ok || !strings.Contains(reason, "population") {
		t.Errorf("noisy chrX without a fetal fraction: callable %v (%q)", ok, reason)
	}
}

func TestFFUnknownQCReason(t *testing.T) {
	in := QCInput{Reads: 4e6, MAPD: 0.1, MAPDPoisson: 0.1, FetalFraction: math.NaN(), FetalFractionWhy: "single-end sample"}
	for _, tc := range []struct {
		cfg  Config
		want string
	}{{DefaultConfig(), "ff_unknown = no_call"}, {popConfig(t), "ff_unknown = population"}} {
		q := QC(in, tc.cfg)
		found := false
		for _, r := range q.Reasons {
			if strings.HasPrefix(r, "fetal_fraction warn: could not be measured: single-end sample") && strings.Contains(r, tc.want) {
				found = true
			}
		}
		if !found || q.Status != result.QCWarn {
			t.Errorf("%s: QC %s %q", tc.want, q.Status, q.Reasons)
		}
	}
}
