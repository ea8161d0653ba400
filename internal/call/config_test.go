package call

import (
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/result"
)

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig([]byte("z_threshold = 3.5\n[reads]\nwarn = 5000000\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.ZThreshold != 3.5 || *c.Reads.Warn != 5e6 || *c.Reads.Fail != 500_000 {
		t.Errorf("parsed %+v", c)
	}
	for _, bad := range []string{
		"z_treshold = 3\n",                   // typo: unknown key
		"detection_power = 1.5\n",            // out of range
		"low_risk_log10_lr = 1\n",            // evidence for trisomy
		"min_ff = 0.6\n",                     // beyond any fetal fraction
		"cnv_scan_false_calls = 1\n",         // a probability
		"[reads]\nwarn = 100\nfail = 1000\n", // warn beyond fail
		"[mapd]\nwarn = 3\nfail = 2\n",       // warn beyond fail (higher is worse)
		"cnv_min_size = -1\n",                // negative
		"z_threshold = \"three\"\n",          // wrong type
		"low_risk_residual = 0\n",            // no low-risk call possible
		"[prevalence]\nT21 = 0.6\n",          // not a prevalence
		"[prevalence]\nT22 = 0.01\n",         // unknown condition
		"ff_prior_log_sd = -0.5\n",           // negative spread
		"ff_prior_median = 0.7\n",            // beyond any fetal fraction
		"batch_offsets = \"fix\"\n",          // not a mode
		"batch_correct_min_samples = 2\n",    // too few to estimate from
		"batch_max_high_risk = 0.5\n",        // half the batch trisomic
		"[aberrant_autosomes]\nfail = 3\n",   // counted after the calls: warn only
	} {
		if _, err := ParseConfig([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	c, err = ParseConfig([]byte("low_risk_residual = 0.0005\nff_prior_log_sd = 0\n[prevalence]\nT21 = 0.02\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.LowRiskResidual != 0.0005 || c.Prevalence.T21 != 0.02 || c.Prevalence.T18 != DefaultConfig().Prevalence.T18 || c.PopulationFF().Valid() {
		t.Errorf("parsed %+v", c)
	}
	if c, err := ParseConfig([]byte("batch_offsets = \"warn\"\n")); err != nil || c.BatchOffsets != BatchOffsetsWarn {
		t.Errorf("batch_offsets = \"warn\": %v", err)
	}
	if _, err := ParseConfig([]byte("z_treshold = 3\n")); err == nil || !strings.Contains(err.Error(), "z_treshold") {
		t.Errorf("unknown key error does not name the key: %v", err)
	}
}

func TestQC(t *testing.T) {
	cfg := DefaultConfig()
	good := QCInput{Reads: 4e6, DuplicateRate: 0.03, GCBias: 0.2, MAPD: 0.12, MAPDPoisson: 0.1, FetalFraction: 0.1, ChromDosage: 0.01}
	if q := QC(good, cfg); q.Status != result.QCPass || len(q.Reasons) != 0 {
		t.Errorf("good sample: %s %v", q.Status, q.Reasons)
	}
	for _, tc := range []struct {
		mod  func(*QCInput)
		want result.QCStatus
	}{
		{func(q *QCInput) { q.Reads = 1e6 }, result.QCWarn},
		{func(q *QCInput) { q.Reads = 1e5 }, result.QCFail},
		{func(q *QCInput) { q.MAPD = 0.3 }, result.QCFail}, // 3× Poisson
		{func(q *QCInput) { q.FetalFraction = 0.03 }, result.QCWarn},
		{func(q *QCInput) { q.FetalFraction = 0.01 }, result.QCFail},
		// An imprecise estimate reading low is not shown to be too low:
		// the fail threshold applies to the upper 95% bound.
		{func(q *QCInput) { q.FetalFraction, q.FetalFractionHigh = 0.01, 0.07 }, result.QCWarn},
		{func(q *QCInput) { q.FetalFraction, q.FetalFractionHigh = 0.01, 0.018 }, result.QCFail},
		{func(q *QCInput) { q.GCBias = -2 }, result.QCFail},
		{func(q *QCInput) { q.ChromDosage = 0.5 }, result.QCFail},
		{func(q *QCInput) { q.DepthRatio = 6 }, result.QCWarn},
	} {
		in := good
		tc.mod(&in)
		q := QC(in, cfg)
		if q.Status != tc.want || len(q.Reasons) != 1 {
			t.Errorf("%+v: status %s reasons %v, want %s with one reason", in, q.Status, q.Reasons, tc.want)
		}
	}
}

// TestQCDocExample: the qc.toml example of docs/qc.md parses and states
// exactly the defaults, so the documentation cannot drift from the code.
func TestQCDocExample(t *testing.T) {
	b, err := os.ReadFile("../../docs/qc.md")
	if err != nil {
		t.Skip("docs/qc.md not found:", err)
	}
	doc := string(b)
	i := strings.Index(doc, "```toml\n")
	j := strings.Index(doc[i+8:], "```")
	if i < 0 || j < 0 {
		t.Fatal("docs/qc.md has no toml block")
	}
	c, err := ParseConfig([]byte(doc[i+8 : i+8+j]))
	if err != nil {
		t.Fatalf("docs/qc.md example: %v", err)
	}
	if !reflect.DeepEqual(c, DefaultConfig()) {
		t.Errorf("docs/qc.md example differs from the defaults:\n doc %+v\n code %+v", c, DefaultConfig())
	}
}

// TestCNVBudgetMargin: the default false-call budget (segmentation plus
// fetal scan, both measured calibrated) leaves a validation of 120
// samples — the size of the validation cohorts — below the screening
// target of 0.1 spurious CNV calls per sample with probability ≥ 95%:
// the count of false calls is Poisson with mean 120 × budget, and the
// target is missed when it reaches 12. A budget equal to the target (0.1,
// the previous defaults) misses it about half the time.
func TestCNVBudgetMargin(t *testing.T) {
	const n, target = 120, 0.1
	cfg := DefaultConfig()
	mu := n * (cfg.CNVFalseCalls + cfg.CNVScanFalseCalls)
	limit := int(math.Ceil(target * n))
	// P(X ≥ limit) = 1 − Σ_{k<limit} e^(−μ) μ^k / k!
	term, cdf := math.Exp(-mu), 0.0
	for k := 0; k < limit; k++ {
		cdf += term
		term *= mu / float64(k+1)
	}
	if p := 1 - cdf; p > 0.05 {
		t.Errorf("default CNV false-call budget %.3f per sample: a %d-sample validation exceeds %.1f per sample with probability %.3f, want ≤ 0.05",
			cfg.CNVFalseCalls+cfg.CNVScanFalseCalls, n, target, p)
	}
}
