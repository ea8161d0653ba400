package analyze

import (
	"slices"
	"testing"

	"github.com/nipt/nipt/internal/result"
)

// TestSummaryUnknownFF: summary.tsv writes NA for a fetal fraction no
// method measured, and the numbers otherwise.
func TestSummaryUnknownFF(t *testing.T) {
	col := func(row []string, name string) string { return row[slices.Index(SummaryColumns, name)] }
	v := &result.Result{Sample: "S1", QC: result.QC{Status: result.QCWarn}, FetalFraction: result.FetalFraction{Unknown: true}}
	row := SummaryRow(v)
	for _, c := range []string{"ff", "ff_low", "ff_high"} {
		if got := col(row, c); got != "NA" {
			t.Errorf("unknown fetal fraction: %s = %q, want NA", c, got)
		}
	}
	v.FetalFraction = result.FetalFraction{Value: 0.081, Low: 0.05, High: 0.12}
	row = SummaryRow(v)
	if got := col(row, "ff"); got != "0.0810" {
		t.Errorf("ff = %q, want 0.0810", got)
	}
}
