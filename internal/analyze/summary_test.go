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

// TestSummaryNotScreened: a view whose profile does not screen rare
// trisomies or CNVs writes NA in those columns — "not screened", which
// nipt evaluate leaves out — and an empty cell only for "screened, none
// found".
func TestSummaryNotScreened(t *testing.T) {
	col := func(row []string, name string) string { return row[slices.Index(SummaryColumns, name)] }
	v := &result.Result{Sample: "S1", QC: result.QC{Status: result.QCPass}}
	for _, tc := range []struct {
		conditions []string
		rat, cnvs  string
	}{
		{nil, "", ""}, // no record: every condition carried
		{[]string{"T21", "T18", "T13", "SCA", "RAT", "CNV"}, "", ""},
		{[]string{"T21", "T18", "T13", "SCA"}, "NA", "NA"},
		{[]string{"T21", "T18", "T13", "CNV"}, "NA", ""},
	} {
		v.Disclosure = &result.Disclosure{Conditions: tc.conditions}
		row := SummaryRow(v)
		if col(row, "rat") != tc.rat || col(row, "cnvs") != tc.cnvs {
			t.Errorf("conditions %v: rat %q, cnvs %q; want %q, %q", tc.conditions, col(row, "rat"), col(row, "cnvs"), tc.rat, tc.cnvs)
		}
	}
}
