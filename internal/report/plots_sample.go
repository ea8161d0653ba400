package report

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nipt/nipt/internal/result"
)

// Plot sizes in pixels (at PlotDPI): wide enough for one point per 1 Mb bin
// across the genome, and to print at A4 text width (180 mm). The widths
// differ on purpose: fpdf orders the images of a PDF by width and otherwise
// by map iteration, so equal widths would make the PDF bytes vary.
const (
	GenomeW, GenomeH = 1400, 640
	ChromZW, ChromZH = 1380, 360
	PanelsW, PanelsH = 1360, 1000
)

// GenomePlot draws the normalised ratio (top) and z-score (bottom) of every
// unmasked bin along the genome, segments overlaid on the ratio.
func GenomePlot(v *result.Result) ([]byte, error) {
	l := newChromLayout(v)
	if len(l.names) == 0 {
		return nil, fmt.Errorf("sample %s has no bins to plot", v.Sample)
	}
	colour := alternating(l)
	bins := displayBins(v.Bins, maxDisplayPoints)
	x := func(b result.Bin) float64 { return l.offset[b.Chrom] + float64(b.Start+b.End)/2 }
	all := func(string) bool { return true }
	xmax := l.offset[l.names[len(l.names)-1]] + l.length[l.names[len(l.names)-1]]

	ratio := plot.New()
	ratio.Title.Text = "Genome-wide normalised coverage: ratio per bin, segments in red"
	ratio.Y.Label.Text = "ratio"
	ratio.Y.Min, ratio.Y.Max = ratioMin, ratioMax
	xy, cols := binPoints(bins, all, x, func(b result.Bin) float64 { return b.Ratio }, ratioMin, ratioMax, colour)
	if err := addPoints(ratio, xy, cols, 0.7); err != nil {
		return nil, err
	}
	segs := segmentLines{style: draw.LineStyle{Color: colSegment, Width: vg.Points(2)}}
	for _, s := range v.Segments {
		if _, ok := l.offset[s.Chrom]; !ok || math.IsNaN(s.Ratio) {
			continue
		}
		y := clamp(s.Ratio, ratioMin, ratioMax)
		segs.lines = append(segs.lines, [2]plotter.XY{{X: l.offset[s.Chrom] + float64(s.Start), Y: y}, {X: l.offset[s.Chrom] + float64(s.End), Y: y}})
	}
	ratio.Add(segs, hline(1, 0, xmax))

	z := plot.New()
	z.Y.Label.Text = "z-score per bin"
	z.Y.Min, z.Y.Max = zMin, zMax
	xy, cols = binPoints(bins, all, x, func(b result.Bin) float64 { return b.Z }, zMin, zMax, colour)
	if err := addPoints(z, xy, cols, 0.7); err != nil {
		return nil, err
	}
	z.Add(hline(0, 0, xmax))
	ratio.Y.Tick.Marker = ratioTicks
	for _, p := range []*plot.Plot{ratio, z} {
		p.X.Min, p.X.Max = 0, xmax
		p.X.Tick.Marker = chromTicks(l)
		p.X.Label.Text = "chromosome"
	}
	return renderPNG([][]*plot.Plot{{ratio}, {z}}, GenomeW, GenomeH)
}

// ChromosomeZPlot draws the z-score of each chromosome as bars, coloured
// by the view's call for the chromosome (red high risk, amber no call,
// blue low risk, grey not screened), with guides at the default call
// threshold ±3. The colour follows the call, not the guide: rare autosomal
// trisomies have a higher threshold (call.Config.RATThreshold).
func ChromosomeZPlot(v *result.Result) ([]byte, error) {
	if len(v.Chromosomes) == 0 {
		return nil, fmt.Errorf("sample %s has no chromosome values to plot", v.Sample)
	}
	calls := map[string]result.Call{}
	for _, f := range v.Aneuploidies {
		calls[f.Chrom] = f.Call
	}
	series := []struct {
		call result.Call
		col  color.Color
		vals plotter.Values
	}{{result.LowRisk, colEven, nil}, {result.HighRisk, colHigh, nil}, {result.NoCall, colNoCall, nil}, {"", colOdd, nil}}
	var names []string
	for i := range series {
		series[i].vals = make(plotter.Values, len(v.Chromosomes))
	}
	for i, c := range v.Chromosomes {
		z := clamp(c.Z, -20, 20) // ±20: a full trisomy at 20% FF and CV 0.5% is z ≈ 20
		for j := range series {
			if series[j].call == calls[c.Chrom] {
				series[j].vals[i] = z
			}
		}
		names = append(names, shortChrom(c.Chrom))
	}
	p := plot.New()
	p.Title.Text = "Chromosome z-scores (red: high risk, amber: no call, grey: not screened; guides at ±3)"
	p.Y.Label.Text = "z"
	w := vg.Points(14)
	for _, s := range series {
		b, err := plotter.NewBarChart(s.vals, w)
		if err != nil {
			return nil, fmt.Errorf("chromosome z plot: %w", err)
		}
		b.Color, b.LineStyle.Width = s.col, 0
		p.Add(b)
	}
	n := float64(len(names))
	p.Add(hline(callZ, -0.5, n-0.5), hline(-callZ, -0.5, n-0.5))
	p.NominalX(names...)
	p.Y.Min, p.Y.Max = math.Min(-5, p.Y.Min), math.Max(5, p.Y.Max)
	return renderPNG([][]*plot.Plot{{p}}, ChromZW, ChromZH)
}

// ChromosomePanels draws one panel per chromosome: bin ratios with the
// segments overlaid, 6 panels per row.
func ChromosomePanels(v *result.Result) ([]byte, error) {
	l := newChromLayout(v)
	if len(l.names) == 0 {
		return nil, fmt.Errorf("sample %s has no bins to plot", v.Sample)
	}
	const cols = 6
	bins := displayBins(v.Bins, maxDisplayPoints)
	rows := (len(l.names) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, cols)
	}
	for i, name := range l.names {
		p := plot.New()
		p.Title.Text = name
		p.Title.TextStyle.Font.Size = vg.Points(10)
		p.Y.Min, p.Y.Max = ratioMin, ratioMax
		p.X.Min, p.X.Max = 0, l.length[name]/1e6
		p.X.Tick.Label.Font.Size = vg.Points(7)
		p.Y.Tick.Label.Font.Size = vg.Points(7)
		p.Y.Tick.Marker = ratioTicks
		p.X.Tick.Marker = mbTicks(l.length[name] / 1e6)
		if i%cols == 0 {
			p.Y.Label.Text = "ratio"
		}
		keep := func(c string) bool { return c == name }
		xy, colours := binPoints(bins, keep, func(b result.Bin) float64 { return float64(b.Start+b.End) / 2e6 },
			func(b result.Bin) float64 { return b.Ratio }, ratioMin, ratioMax, func(string) color.Color { return colEven })
		if err := addPoints(p, xy, colours, 0.8); err != nil {
			return nil, err
		}
		segs := segmentLines{style: draw.LineStyle{Color: colSegment, Width: vg.Points(1.5)}}
		for _, s := range v.Segments {
			if s.Chrom == name && !math.IsNaN(s.Ratio) {
				y := clamp(s.Ratio, ratioMin, ratioMax)
				segs.lines = append(segs.lines, [2]plotter.XY{{X: float64(s.Start) / 1e6, Y: y}, {X: float64(s.End) / 1e6, Y: y}})
			}
		}
		p.Add(segs, hline(1, 0, l.length[name]/1e6))
		grid[i/cols][i%cols] = p
	}
	return renderPNG(grid, PanelsW, PanelsH*rows/4)
}

func addPoints(p *plot.Plot, xy plotter.XYs, cols []color.Color, radius vg.Length) error {
	if len(xy) == 0 {
		return nil
	}
	s, err := scatter(xy, cols, radius)
	if err != nil {
		return fmt.Errorf("plotting bins: %w", err)
	}
	p.Add(s)
	return nil
}

func alternating(l chromLayout) func(string) color.Color {
	idx := map[string]int{}
	for i, n := range l.names {
		idx[n] = i
	}
	return func(c string) color.Color {
		if idx[c]%2 == 0 {
			return colEven
		}
		return colOdd
	}
}

// ratioTicks label the ratio axis at 0.8, 1.0 and 1.2 (short labels that
// fit the narrow per-chromosome panels).
var ratioTicks = plot.ConstantTicks{{Value: 0.8, Label: "0.8"}, {Value: 1, Label: "1.0"}, {Value: 1.2, Label: "1.2"}}

// mbTicks labels a chromosome axis (Mb) every 100 Mb, every 50 Mb below
// 150 Mb and every 20 Mb below 60 Mb, so every panel gets two or three
// labels (chr21, 47 Mb, would otherwise show only "0").
func mbTicks(lengthMb float64) plot.ConstantTicks {
	step := 100.0
	switch {
	case lengthMb < 60:
		step = 20
	case lengthMb < 150:
		step = 50
	}
	var t plot.ConstantTicks
	for x := 0.0; x <= lengthMb; x += step {
		t = append(t, plot.Tick{Value: x, Label: fmt.Sprintf("%.0f", x)})
	}
	return t
}
