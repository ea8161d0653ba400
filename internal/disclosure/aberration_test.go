package disclosure

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/result"
)

// TestApplyRecountsAberrations: the aberrant autosomes (and their QC
// metric and reason) of a view count only the findings and CNVs the view
// carries — a laboratory that screens T21/T18/T13 alone must not learn of
// CNVs through them — and the engine's result is not changed.
func TestApplyRecountsAberrations(t *testing.T) {
	r := Fixture(FixtureSpec{Sample: "S9", Sex: "female", Condition: "CNV", Seed: 5})
	r.CNVs = append(r.CNVs, result.CNV{Chrom: "chr9", Start: 10_000_000, End: 20_000_000, Type: "gain", Origin: "fetal"})
	r.AberrantAutosomes = result.AberrantAutosomes(r.Aneuploidies, r.CNVs)
	if len(r.AberrantAutosomes) != 3 {
		t.Fatalf("fixture: aberrant autosomes %v, want chr4, chr7 and chr9", r.AberrantAutosomes)
	}
	result.SetAberrations(&r.QC, r.AberrantAutosomes) // the fixture's metric (warn above 2)
	if r.QC.Status != result.QCWarn {
		t.Fatalf("fixture QC %+v", r.QC)
	}
	before, _ := json.Marshal(r)

	all, _ := testProfile(FetalSexNever, SCAReportPresence, AllConditions...)
	v, err := Apply(r, all, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v.AberrantAutosomes, r.AberrantAutosomes) || v.QC.Status != result.QCWarn {
		t.Errorf("every condition: %v, QC %+v", v.AberrantAutosomes, v.QC)
	}

	trisomies, _ := testProfile(FetalSexNever, SCAOff)
	v, err = Apply(r, trisomies, Request{})
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(v)
	if len(v.AberrantAutosomes) != 0 || v.QC.Status != result.QCPass || !strings.Contains(string(js), `"aberrant_autosomes":[]`) {
		t.Errorf("T21/T18/T13 profile: %v, QC %+v", v.AberrantAutosomes, v.QC)
	}
	if rs := strings.Join(v.QC.Reasons, " "); strings.Contains(rs, result.AberrationMetric) {
		t.Errorf("the T21/T18/T13 view keeps the reason: %s", rs)
	}
	for _, m := range v.QC.Metrics {
		if m.Name == result.AberrationMetric && (m.Value != 0 || m.Status != result.QCPass) {
			t.Errorf("T21/T18/T13 view metric %+v", m)
		}
	}
	if after, _ := json.Marshal(r); string(after) != string(before) {
		t.Error("Apply changed the engine's result")
	}
}
