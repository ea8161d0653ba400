package refset

import (
	"slices"
	"testing"
)

// TestSizeModelAutosomal: a reference whose samples all have the autosomal
// fragment-size profile trains the size model on it (no sex bias left to
// add), a sample without one falls back to the all-chromosome profile with
// the sex-bias term, and a reference with one sample lacking it trains on
// the all-chromosome profiles (an old counts file among new ones).
func TestSizeModelAutosomal(t *testing.T) {
	f := fixtureT(t)
	m := f.Ref.FF.Size
	if m == nil || m.Source == "short_fraction" {
		t.Fatalf("fixture size model %+v: want a profile model", m)
	}
	if !m.Autosomal || !(m.SexBias > 0) {
		t.Errorf("size model autosomal=%v sex bias %g, want autosomal with a fallback bias > 0", m.Autosomal, m.SexBias)
	}
	p := f.Ref.Samples[1]
	prof, bias := m.Profile(&p)
	if !slices.Equal(prof, p.SizeProfileAutosomes) || bias != 0 {
		t.Errorf("sample with an autosomal profile: bias %g, autosomal profile used %v", bias, slices.Equal(prof, p.SizeProfileAutosomes))
	}
	old := p
	old.SizeProfileAutosomes = nil
	if prof, bias := m.Profile(&old); !slices.Equal(prof, p.SizeProfile) || bias != m.SexBias {
		t.Errorf("sample without an autosomal profile: bias %g, want the all-chromosome profile and %g", bias, m.SexBias)
	}

	ps := make([]*SampleProfile, len(f.Ref.Samples))
	for i := range f.Ref.Samples {
		c := f.Ref.Samples[i]
		ps[i] = &c
	}
	ps[1].SizeProfileAutosomes = nil // a male reference sample
	mixed, err := Fit(f.Static, ps, FixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	if mm := mixed.FF.Size; mm == nil || mm.Autosomal {
		t.Errorf("reference with one sample lacking the autosomal profile: size model %+v, want an all-chromosome one", mm)
	}
}
