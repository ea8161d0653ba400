package refset

import (
	"testing"

	"github.com/nipt/nipt/internal/normalize"
	"github.com/nipt/nipt/internal/refset/synth"
)

func TestScratchFit(t *testing.T) {
	g, err := synth.NewGenome(1_000_000, 1)
	if err != nil {
		t.Fatal(err)
	}
	m := synth.NewModel(g, 2)
	samples := synth.EuploidSamples("ref", 40, 400_000, true, 3)
	samples[5].Trisomy = 20
	samples[5].FF = 0.12
	co := m.Draw(samples)
	st, err := NewStatic(g.Ann, 1_000_000, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ps []*SampleProfile
	for _, c := range co.Counts {
		p, _, err := st.Prepare(c, normalize.GCOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	opt := DefaultOptions()
	opt.BinSize = 1_000_000
	opt.MinReads = 100_000
	ref, err := Fit(st, ps, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("K=%d crit=%v iter=%d warn=%v", ref.Components, ref.CVCurve, ref.Iterations, ref.Warnings)
	for i, s := range ref.Status {
		if !s.Used {
			t.Logf("excluded %s: %s", ref.Samples[i].ID, s.Reason)
		}
	}
	nm, nf := 0, 0
	for i, s := range ref.Status {
		if s.Sex == SexMale && !samples[i].Male || s.Sex == SexFemale && samples[i].Male {
			t.Errorf("sex wrong %d", i)
		}
		if s.Sex == SexMale {
			nm++
		} else if s.Sex == SexFemale {
			nf++
		}
	}
	t.Logf("males %d females %d", nm, nf)
	for _, c := range ref.Chroms {
		t.Logf("%s bins=%d primary=%s %+v den=%v", c.Chrom, c.Bins, c.Primary, c.Nulls, c.Denominator)
	}
	t.Logf("Y %+v ybins=%d", ref.FF.Y, len(ref.YBins))
	if ref.FF.Profile != nil {
		t.Logf("profile %s w=%d cv=%+v", ref.FF.Profile.Source, ref.FF.Profile.Window, ref.FF.Profile.Ridge.CV)
	}
	if ref.FF.Fragment != nil {
		t.Logf("fragment %+v corr=%g", ref.FF.Fragment.CV, ref.FF.Corr)
	}
}
