package report

import (
	"testing"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/report/pdffont"
)

// BenchmarkSamplePDF lays out one report with the core fonts and with the
// 4 MB CJK font Droid Sans Fallback (parsed and subset per document).
func BenchmarkSamplePDF(b *testing.B) {
	fonts := map[string]*pdffont.Font{"core": nil}
	if f, err := pdffont.Load(droidPath); err == nil {
		fonts["droid"] = f
	}
	plots := testPlots(b)
	for name, font := range fonts {
		b.Run(name, func(b *testing.B) {
			p := disclosure.DefaultProfile()
			if font != nil {
				p = cnProfile(font)
			}
			v, err := disclosure.Apply(disclosure.Fixture(disclosure.FixtureSpec{Sample: "S1", Sex: "female", Condition: "T21", Seed: 3, BinSize: 5_000_000}), p, disclosure.Request{})
			if err != nil {
				b.Fatal(err)
			}
			m, err := NewModel(v, p, "")
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := SamplePDF(m, plots); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
