package analyze

import (
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/refset"
	"github.com/nipt/nipt/internal/refset/synth"
)

// BenchmarkAnalyze100kb analyses one 4 M-read sample against a 40-sample
// reference at 100 kb bins (reading the counts file excluded).
func BenchmarkAnalyze100kb(b *testing.B) {
	f, err := refset.NewFixtureAt(100_000, 40, 4_000_000, 9)
	if err != nil {
		b.Fatal(err)
	}
	s := synth.Sample{ID: "bench", FF: 0.1, Reads: 4_000_000, Paired: true, Trisomy: 20, Seed: 77}
	c := f.Model.Counts(&s)
	opt := Options{Config: call.DefaultConfig()}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Analyze(f.Ref, c, opt); err != nil {
			b.Fatal(err)
		}
	}
}
