package analyze

import (
	"math"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/refset"
)

// The reference summary states the trisomy thresholds the analysis uses:
// the same default specificity, the same quantiles, and the degrees of
// freedom of the chromosome nulls that the analysis passes to the calls.
func TestReferenceSummaryThresholds(t *testing.T) {
	cfg := call.DefaultConfig()
	if cfg.TrisomySpecificity != refset.DefaultTrisomySpecificity {
		t.Fatalf("default trisomy specificity %g in call, %g in refset", cfg.TrisomySpecificity, refset.DefaultTrisomySpecificity)
	}
	ref := fixture(t).Ref
	th := ref.Summarize().Thresholds
	if th.DF < 10 {
		t.Fatalf("summary thresholds for %d df", th.DF)
	}
	df := float64(th.DF)
	if math.Abs(th.Common-cfg.TrisomyThreshold(df)) > 1e-12 || math.Abs(th.Rare-cfg.RATThreshold(df)) > 1e-12 {
		t.Errorf("summary thresholds %.4f / %.4f, the calls' %.4f / %.4f", th.Common, th.Rare, cfg.TrisomyThreshold(df), cfg.RATThreshold(df))
	}
	// The analysis's degrees of freedom for chr21 are those of its null.
	st := ref.Chroms[20]
	if n := st.Nulls[st.Primary].N; n-1 < th.DF {
		t.Errorf("chr21 null from %d samples, fewer than the summary's %d df + 1", n, th.DF)
	}
}
