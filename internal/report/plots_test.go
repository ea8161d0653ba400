package report

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
)

// testView is a sex-blind view of a fixture at coarse (5 Mb) bins.
func testView(t testing.TB, spec disclosure.FixtureSpec) *result.Result {
	t.Helper()
	if spec.BinSize == 0 {
		spec.BinSize = 5_000_000
	}
	if spec.Sample == "" {
		spec.Sample = "S1"
	}
	v, err := disclosure.Apply(disclosure.Fixture(spec), disclosure.DefaultProfile(), disclosure.Request{})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// inkFraction is the fraction of non-white pixels in the central region of
// img (the plot area, away from titles and axis labels).
func inkFraction(img image.Image) float64 {
	b := img.Bounds()
	x0, x1 := b.Min.X+b.Dx()/8, b.Max.X-b.Dx()/16
	y0, y1 := b.Min.Y+b.Dy()/8, b.Max.Y-b.Dy()/8
	ink, n := 0, 0
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bb < 0xf000 {
				ink++
			}
			n++
		}
	}
	return float64(ink) / float64(n)
}

func TestPlots(t *testing.T) {
	t.Parallel()
	v := testView(t, disclosure.FixtureSpec{Sex: "female", Condition: "T21", Seed: 1})
	batch := []*result.Result{v, testView(t, disclosure.FixtureSpec{Sample: "S2", Sex: "male", Seed: 2})}
	tests := []struct {
		name string
		f    func() ([]byte, error)
		w, h int
	}{
		{"genome", func() ([]byte, error) { return GenomePlot(v) }, GenomeW, GenomeH},
		{"chromosome z", func() ([]byte, error) { return ChromosomeZPlot(v) }, ChromZW, ChromZH},
		{"panels", func() ([]byte, error) { return ChromosomePanels(v) }, PanelsW, PanelsH},
		{"z/ff scatter", func() ([]byte, error) { return ZFFScatter(batch) }, ScatterW, ScatterH},
		{"trend", func() ([]byte, error) {
			return TrendPlot([]BatchStats{{ID: "run1", Reads: []float64{8e6, 9e6}, FF: []float64{0.1, 0.08}}, {ID: "run2", Reads: []float64{7e6}, FF: []float64{0.12}}})
		}, TrendW, TrendH},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data, err := tc.f()
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			if b := img.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
				t.Errorf("size %dx%d, want %dx%d", b.Dx(), b.Dy(), tc.w, tc.h)
			}
			// Points, bars and lines cover at least 0.5% of the plot area; a
			// blank plot has only axes and is under that in the central region.
			if f := inkFraction(img); f < 0.005 {
				t.Errorf("only %.4f of the plot area is drawn on", f)
			}
			again, _ := tc.f()
			if !bytes.Equal(data, again) {
				t.Error("same input gave different PNG bytes")
			}
		})
	}
}

func TestPlotErrors(t *testing.T) {
	empty := &result.Result{Sample: "E"}
	for name, f := range map[string]func(*result.Result) ([]byte, error){"genome": GenomePlot, "z": ChromosomeZPlot, "panels": ChromosomePanels} {
		if _, err := f(empty); err == nil {
			t.Errorf("%s: no error for a result without data", name)
		}
	}
	if _, err := TrendPlot(nil); err == nil {
		t.Error("trend: no error without batches")
	}
}

func TestBinPointsAndLayout(t *testing.T) {
	v := &result.Result{Bins: []result.Bin{
		{Chrom: "chr2", Start: 0, End: 10, Ratio: 1.0},
		{Chrom: "chr1", Start: 0, End: 10, Ratio: 2.0},              // clamped to ratioMax
		{Chrom: "chr1", Start: 10, End: 20, Ratio: 0.1},             // clamped to ratioMin
		{Chrom: "chr1", Start: 20, End: 30, Ratio: 1, Masked: true}, // skipped
		{Chrom: "chr1", Start: 30, End: 40, Ratio: math.NaN()},      // skipped
		{Chrom: "chrX", Start: 0, End: 50, Ratio: 1.1},
	}}
	l := newChromLayout(v)
	if got := strings.Join(l.names, ","); got != "chr1,chr2,chrX" {
		t.Errorf("layout order %s, want canonical", got)
	}
	if l.offset["chr2"] != 40 || l.offset["chrX"] != 50 || l.length["chrX"] != 50 {
		t.Errorf("offsets %v lengths %v", l.offset, l.length)
	}
	xy, cols := binPoints(v.Bins, func(c string) bool { return c != "chrX" }, func(b result.Bin) float64 { return l.offset[b.Chrom] + float64(b.Start) },
		func(b result.Bin) float64 { return b.Ratio }, ratioMin, ratioMax, alternating(l))
	want := plotter.XYs{{X: 40, Y: 1}, {X: 0, Y: ratioMax}, {X: 10, Y: ratioMin}}
	if len(xy) != len(want) || len(cols) != len(want) {
		t.Fatalf("points %v", xy)
	}
	for i := range want {
		if xy[i] != want[i] {
			t.Errorf("point %d = %v, want %v", i, xy[i], want[i])
		}
	}
	if cols[0] != colOdd || cols[1] != colEven {
		t.Error("chromosomes must alternate colours")
	}
	ticks := chromTicks(l)
	if len(ticks) != 3 || ticks[0].Value != 20 || ticks[0].Label != "1" || ticks[2].Label != "X" {
		t.Errorf("ticks %v", ticks)
	}
}

// BenchmarkSamplePlots renders the three sample plots at 1 Mb and at the
// default analysis bin size of 100 kb (~31,000 bins).
func TestDisplayBins(t *testing.T) {
	nan := math.NaN()
	in := []result.Bin{
		{Chrom: "chr1", Start: 0, End: 10, Ratio: 1.0, Z: 1},
		{Chrom: "chr1", Start: 10, End: 20, Ratio: 1.2, Z: 3},
		{Chrom: "chr1", Start: 20, End: 30, Ratio: nan, Masked: true},
		{Chrom: "chr1", Start: 30, End: 40, Ratio: nan, Masked: true},
		{Chrom: "chr1", Start: 40, End: 45, Ratio: 0.9, Z: -2},
		{Chrom: "chr2", Start: 0, End: 10, Ratio: 1.1, Z: 2},
	}
	// 4 unmasked bins, at most 2 points: k = 2, merged within chromosomes.
	got := displayBins(in, 2)
	want := []result.Bin{
		{Chrom: "chr1", Start: 0, End: 20, Ratio: 1.1, Z: 4 / math.Sqrt2},
		{Chrom: "chr1", Start: 20, End: 40, Ratio: nan, Masked: true},
		{Chrom: "chr1", Start: 40, End: 45, Ratio: 0.9, Z: -2},
		{Chrom: "chr2", Start: 0, End: 10, Ratio: 1.1, Z: 2},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d bins: %+v", len(got), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Chrom != w.Chrom || g.Start != w.Start || g.End != w.End || g.Masked != w.Masked ||
			(!w.Masked && (math.Abs(g.Ratio-w.Ratio) > 1e-12 || math.Abs(g.Z-w.Z) > 1e-12)) {
			t.Errorf("bin %d = %+v, want %+v", i, g, w)
		}
	}
	if out := displayBins(in, 100); len(out) != len(in) {
		t.Error("bins merged although under the limit")
	}
}

func BenchmarkSamplePlots(b *testing.B) {
	for _, bs := range []int{1_000_000, 100_000} {
		v := testView(b, disclosure.FixtureSpec{Sex: "female", Seed: 1, BinSize: bs})
		b.Run(binSize(bs), func(b *testing.B) {
			for b.Loop() {
				if _, err := NewSamplePlots(v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
