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

// BenchmarkShortTrack measures the short-fragment track of one 4 M-read
// sample at 100 kb bins: residuals, own noise and the combination with
// the depth (the scan itself excluded).
func BenchmarkShortTrack(b *testing.B) {
	f, err := refset.NewFixtureAt(100_000, 40, 4_000_000, 9)
	if err != nil {
		b.Fatal(err)
	}
	if f.Ref.Short == nil {
		b.Fatal("no short-fragment model")
	}
	s := synth.Sample{ID: "bench", FF: 0.1, Reads: 4_000_000, Paired: true, Trisomy: -1, Seed: 77}
	p, _, err := f.Static.Prepare(f.Model.Counts(&s), refset.FixtureOptions().GC)
	if err != nil {
		b.Fatal(err)
	}
	l := f.Ref.Layout
	in := call.ScanInput{SegmentInput: call.SegmentInput{Layout: l, X: make([]float64, l.NumBins()), SD: make([]float64, l.NumBins())},
		FF: call.FFPrior{Value: 0.1, SE: 0.01}}
	for c := range 22 {
		in.Chroms = append(in.Chroms, c)
	}
	for j := range in.SD {
		in.SD[j] = 0.1
	}
	cfg := call.DefaultConfig()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t, ok := ShortTrack(f.Ref, p)
		if !ok {
			b.Fatal("no track")
		}
		call.CombineShort(in, t, cfg)
	}
}
