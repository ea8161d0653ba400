package report

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/stats"
)

// Batch plot sizes in pixels.
const (
	ScatterW, ScatterH = 900, 600
	TrendW, TrendH     = 900, 600
)

// ZFFScatter plots the chromosome 13, 18 and 21 z-scores of each sample
// against its fetal fraction, with the z = 3 guide: a trisomy's z grows with
// the fetal fraction, so high-risk samples lie above the guide at any FF.
func ZFFScatter(views []*result.Result) ([]byte, error) {
	p := plot.New()
	p.Title.Text = "Chromosome z-score against fetal fraction"
	p.X.Label.Text = "fetal fraction (%)"
	p.Y.Label.Text = "z"
	series := []struct {
		cond  string
		col   color.Color
		shape draw.GlyphDrawer
	}{
		{disclosure.T13, color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, draw.TriangleGlyph{}},
		{disclosure.T18, color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, draw.SquareGlyph{}},
		{disclosure.T21, color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, draw.CircleGlyph{}},
	}
	xmax := 0.0
	for _, s := range series {
		var xy plotter.XYs
		for _, v := range views {
			if f, ok := finding(v, s.cond); ok && v.FetalFraction.Known() {
				// Drawn within −10…30: a full trisomy at 20% FF and a 0.5%
				// chromosome CV is z ≈ 20, and nothing below −10 is a
				// plausible euploid value; beyond, points sit at the edge.
				xy = append(xy, plotter.XY{X: 100 * v.FetalFraction.Value, Y: clamp(f.Z, -10, 30)})
				xmax = max(xmax, 100*v.FetalFraction.Value)
			}
		}
		if len(xy) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(xy)
		if err != nil {
			return nil, fmt.Errorf("z/FF plot: %w", err)
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: s.col, Radius: vg.Points(3.5), Shape: s.shape}
		p.Add(sc)
		p.Legend.Add("chr"+s.cond[1:], sc)
	}
	// Top left: a trisomy's z grows with the fetal fraction, so high z at
	// low fetal fraction (where the legend sits) is the emptiest corner;
	// the padding keeps the entries from touching.
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.Padding = vg.Points(3)
	p.X.Min, p.X.Max = 0, max(xmax*1.1, 5)
	p.Add(hline(callZ, 0, p.X.Max), hline(-callZ, 0, p.X.Max))
	// 15% headroom keeps the top points clear of the title.
	p.Y.Min, p.Y.Max = min(p.Y.Min, -5), max(p.Y.Max, 6)*1.15
	return renderPNG([][]*plot.Plot{{p}}, ScatterW, ScatterH)
}

// BatchStats summarises one batch (run) for the trend plot.
type BatchStats struct {
	ID    string
	Reads []float64 // per sample
	FF    []float64 // per sample, fractions
	// QC verdicts and no-call samples (QC failed, or a no-call for T13,
	// T18 or T21: the validation's definition, docs/evaluation.md).
	Pass, Warn, Fail, NoCall int
}

// TrendPlot draws reads (millions) and fetal fraction (%) of every sample
// per run (or analysis directory), in the order given, with the median.
func TrendPlot(batches []BatchStats) ([]byte, error) {
	if len(batches) == 0 {
		return nil, fmt.Errorf("trend plot: no batches")
	}
	var names []string
	for _, b := range batches {
		names = append(names, b.ID)
	}
	mk := func(title, ylab string, get func(BatchStats) []float64, scale float64) (*plot.Plot, error) {
		p := plot.New()
		p.Title.Text = title
		p.Y.Label.Text = ylab
		var pts, med plotter.XYs
		for i, b := range batches {
			vals := get(b)
			for _, x := range vals {
				pts = append(pts, plotter.XY{X: float64(i), Y: x * scale})
			}
			if len(vals) > 0 {
				med = append(med, plotter.XY{X: float64(i), Y: stats.Median(vals) * scale})
			}
		}
		if len(pts) > 0 {
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return nil, err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: colOdd, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
			p.Add(sc)
		}
		if len(med) > 0 {
			ln, err := plotter.NewLine(med)
			if err != nil {
				return nil, err
			}
			ln.Color, ln.Width = colEven, vg.Points(2)
			p.Add(ln)
		}
		p.NominalX(names...)
		p.X.Min, p.X.Max = -0.5, float64(len(batches))-0.5
		p.Y.Min = 0
		p.Y.Max *= 1.1 // headroom: the highest points stay clear of the title
		return p, nil
	}
	reads, err := mk("Reads per sample by run (line: run median)", "reads (millions)", func(b BatchStats) []float64 { return b.Reads }, 1e-6)
	if err != nil {
		return nil, fmt.Errorf("trend plot: %w", err)
	}
	ff, err := mk("Fetal fraction per sample by run", "fetal fraction (%)", func(b BatchStats) []float64 { return b.FF }, 100)
	if err != nil {
		return nil, fmt.Errorf("trend plot: %w", err)
	}
	return renderPNG([][]*plot.Plot{{reads}, {ff}}, TrendW, TrendH)
}
