package analyze

import (
	"encoding/json"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/normalize"
	"github.com/nipt/nipt/internal/refset"
	"github.com/nipt/nipt/internal/refset/synth"
)

func TestScratchAnalyze(t *testing.T) {
	g, _ := synth.NewGenome(1_000_000, 1)
	m := synth.NewModel(g, 2)
	samples := synth.EuploidSamples("ref", 40, 2_000_000, true, 3)
	co := m.Draw(samples)
	st, _ := refset.NewStatic(g.Ann, 1_000_000, nil)
	var ps []*refset.SampleProfile
	for _, c := range co.Counts {
		p, _, err := st.Prepare(c, normalize.GCOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	opt := refset.DefaultOptions()
	opt.BinSize = 1_000_000
	opt.MinReads = 100_000
	ref, err := refset.Fit(st, ps, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("K=%d Y=%+v", ref.Components, ref.FF.Y)
	if ref.FF.Profile != nil {
		t.Logf("profile %+v", ref.FF.Profile.Ridge.CV)
	}
	if ref.FF.Fragment != nil {
		t.Logf("frag %+v corr %g", ref.FF.Fragment.CV, ref.FF.Corr)
	}
	tests := []synth.Sample{
		{ID: "eu_f", FF: 0.10, Reads: 2_000_000, Paired: true, Trisomy: -1, Seed: 901},
		{ID: "eu_m", Male: true, FF: 0.10, Reads: 2_000_000, Paired: true, Trisomy: -1, Seed: 902},
		{ID: "t21", FF: 0.10, Reads: 2_000_000, Paired: true, Trisomy: 20, Seed: 903},
		{ID: "t18m", Male: true, FF: 0.06, Reads: 2_000_000, Paired: true, Trisomy: 17, Seed: 904},
		{ID: "mcnv21", FF: 0.10, Reads: 2_000_000, Paired: true, Trisomy: -1, Seed: 905, CNVs: []synth.CNV{{Chrom: 20, Start: 30_000_000, End: 33_000_000, Gain: true, Maternal: true}}},
		{ID: "xxy", Male: true, SCA: "47,XXY", FF: 0.12, Reads: 2_000_000, Paired: true, Trisomy: -1, Seed: 906},
		{ID: "x0", SCA: "45,X", FF: 0.12, Reads: 2_000_000, Paired: true, Trisomy: -1, Seed: 907},
		{ID: "fcnv", FF: 0.15, Reads: 2_000_000, Paired: true, Trisomy: -1, Seed: 908, CNVs: []synth.CNV{{Chrom: 4, Start: 20_000_000, End: 40_000_000}}},
		{ID: "lowff", FF: 0.02, Reads: 2_000_000, Paired: true, Trisomy: -1, Seed: 909},
	}
	tc := m.Draw(tests)
	for i, c := range tc.Counts {
		r, err := Analyze(ref, c, Options{Config: call.DefaultConfig()})
		if err != nil {
			t.Fatal(err)
		}
		r.Bins = nil
		ff, _ := json.Marshal(r.FetalFraction)
		t.Logf("%s true ff %.3f sex %s: %s qc=%s %v", tests[i].ID, tests[i].FF, r.FetalSex, ff, r.QC.Status, r.QC.Reasons)
		for _, f := range r.Aneuploidies[:3] {
			t.Logf("   %s %s z=%.2f lr=%.1f impl=%.3f mos=%v mat=%v %s", f.Condition, f.Call, f.Z, f.LogLR, f.FFImplied, f.Mosaic, f.MaternalCNV, f.NoCallReason)
		}
		for _, f := range r.Aneuploidies[3:] {
			if f.Call != "low_risk" {
				t.Logf("   %s %s z=%.2f %s", f.Condition, f.Call, f.Z, f.NoCallReason)
			}
		}
		t.Logf("   SCA %+v", r.SCA)
		for _, v := range r.CNVs {
			t.Logf("   CNV %+v", v)
		}
	}
}
