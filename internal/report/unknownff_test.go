package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
)

// TestUnknownFetalFraction: a fetal fraction no method measured is shown as
// such, never as a measured 0%.
func TestUnknownFetalFraction(t *testing.T) {
	v := testView(t, disclosure.FixtureSpec{Sex: "female", Condition: "euploid", Seed: 3})
	v.FetalFraction = result.FetalFraction{Methods: []result.FFEstimate{}, Unknown: true}
	known := testView(t, disclosure.FixtureSpec{Sample: "S2", Sex: "female", Condition: "euploid", Seed: 4})
	views := []*result.Result{v, known}

	m, err := NewModel(v, disclosure.DefaultProfile(), "")
	if err != nil {
		t.Fatal(err)
	}
	if m.FetalFraction != "not measured" {
		t.Errorf("report fetal fraction %q", m.FetalFraction)
	}
	b, err := FHIRBundle(v, m)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, `"dataAbsentReason"`) {
		t.Error("FHIR: no data-absent reason for the unmeasured fetal fraction")
	}

	stats, err := MultiQCGeneralStats(views)
	if err != nil {
		t.Fatal(err)
	}
	var gs struct {
		Data map[string]map[string]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(stats, &gs); err != nil {
		t.Fatal(err)
	}
	if _, ok := gs.Data[v.Sample]["nipt_ff"]; ok {
		t.Errorf("MultiQC: unmeasured fetal fraction reported: %s", gs.Data[v.Sample]["nipt_ff"])
	}
	if _, ok := gs.Data[known.Sample]["nipt_ff"]; !ok {
		t.Error("MultiQC: measured fetal fraction missing")
	}
	sc, err := MultiQCScatter(views)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(sc), `"`+v.Sample+`"`) || !strings.Contains(string(sc), `"`+known.Sample+`"`) {
		t.Errorf("MultiQC scatter: %s", sc)
	}
}
