package refset

import (
	"testing"

	"github.com/nipt/nipt/internal/refset/synth"
)

// BenchmarkFit100kb fits a reference of 60 synthetic samples at 100 kb bins
// (30,894 bins), the default analysis resolution; preparation (GC
// correction) is excluded.
func BenchmarkFit100kb(b *testing.B) {
	g, err := synth.NewGenome(100_000, 3)
	if err != nil {
		b.Fatal(err)
	}
	m := synth.NewModel(g, 4)
	co := m.Draw(synth.EuploidSamples("b", 60, 4_000_000, true, 5))
	st, err := NewStatic(g.Ann, 100_000, nil)
	if err != nil {
		b.Fatal(err)
	}
	opt := DefaultOptions()
	var ps []*SampleProfile
	for _, c := range co.Counts {
		p, _, err := st.Prepare(c, opt.GC)
		if err != nil {
			b.Fatal(err)
		}
		ps = append(ps, p)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Fit(st, ps, opt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrepare100kb GC-corrects one 4 M-read sample at 100 kb.
func BenchmarkPrepare100kb(b *testing.B) {
	g, _ := synth.NewGenome(100_000, 3)
	m := synth.NewModel(g, 4)
	s := synth.EuploidSamples("b", 1, 4_000_000, true, 5)[0]
	c := m.Counts(&s)
	st, _ := NewStatic(g.Ann, 100_000, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := st.Prepare(c, DefaultOptions().GC); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrepareFine10kb prepares one 4 M-read sample counted at 10 kb
// (≈ 300,000 bins) for a reference at 100 kb with fine correction: the
// per-sample cost of the default build and analysis (GC curve on the
// counted bins, evaluated at every usable one, then merged).
func BenchmarkPrepareFine10kb(b *testing.B) {
	g, err := synth.NewGenome(10_000, 3)
	if err != nil {
		b.Fatal(err)
	}
	m := synth.NewModel(g, 4)
	s := synth.EuploidSamples("b", 1, 4_000_000, true, 5)[0]
	c := m.Counts(&s)
	st, err := NewStatic(g.Ann, 100_000, nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := st.AttachFine(g.Ann, nil); err != nil {
		b.Fatal(err)
	}
	opt := DefaultOptions().GC
	if _, _, err := st.Prepare(c, opt); err != nil { // the per-reference caches
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := st.Prepare(c, opt); err != nil {
			b.Fatal(err)
		}
	}
}
