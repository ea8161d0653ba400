package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
)

func TestMultiQC(t *testing.T) {
	var views []*result.Result
	for i, c := range []string{"T21", "euploid", "lowff"} {
		views = append(views, testView(t, disclosure.FixtureSpec{Sample: []string{"B2", "A1", "C3"}[i], Sex: "female", Condition: c, Seed: uint64(i)}))
	}
	stats, err := MultiQCGeneralStats(views)
	if err != nil {
		t.Fatal(err)
	}
	var gs struct {
		ID       string                                `json:"id"`
		PlotType string                                `json:"plot_type"`
		Headers  []map[string]map[string]any           `json:"headers"`
		Data     map[string]map[string]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(stats, &gs); err != nil {
		t.Fatal(err)
	}
	if gs.PlotType != "generalstats" || len(gs.Headers) != 6 || len(gs.Data) != 3 {
		t.Fatalf("general stats: %s %d headers %d samples", gs.PlotType, len(gs.Headers), len(gs.Data))
	}
	for i, v := range views {
		row := gs.Data[v.Sample]
		var ff, z21 float64
		json.Unmarshal(row["nipt_ff"], &ff)
		json.Unmarshal(row["nipt_z21"], &z21)
		f, _ := finding(v, "T21")
		if ff != round(100*v.FetalFraction.Value, 2) || z21 != round(f.Z, 3) {
			t.Errorf("sample %d: ff %v z21 %v", i, ff, z21)
		}
	}
	// Samples keep report order (B2 before A1), not alphabetical order.
	if strings.Index(string(stats), `"B2"`) > strings.Index(string(stats), `"A1"`) {
		t.Error("samples reordered")
	}
	sc, err := MultiQCScatter(views)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		PlotType string                        `json:"plot_type"`
		Data     map[string]map[string]float64 `json:"data"`
	}
	if err := json.Unmarshal(sc, &s); err != nil {
		t.Fatal(err)
	}
	if s.PlotType != "scatter" || len(s.Data) != 3 || s.Data["B2"]["y"] < 3 {
		t.Errorf("scatter %+v", s)
	}
	if _, err := MultiQCGeneralStats([]*result.Result{disclosure.Fixture(disclosure.FixtureSpec{Sample: "X", Sex: "male"})}); err == nil {
		t.Error("unredacted result accepted")
	}
}
