package evaluate

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"path/filepath"

	"github.com/nipt/nipt/internal/atomicfile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Plot file names written by WritePlots.
const (
	ROCPlotFile = "roc.png"
	FFPlotFile  = "ff_scatter.png"
	Z21PlotFile = "z21_vs_ff.png"
)

// plotSize is the PNG size: 16 × 12 cm renders at 96 dpi as about 600 × 450
// pixels, readable on screen and in a report.
var plotW, plotH = 16 * vg.Centimeter, 12 * vg.Centimeter

// palette: colour-blind-safe colours (Okabe & Ito 2008, "Color Universal Design").
var (
	colBlack  = color.RGBA{0, 0, 0, 255}
	colOrange = color.RGBA{230, 159, 0, 255}
	colSky    = color.RGBA{86, 180, 233, 255}
	colGreen  = color.RGBA{0, 158, 115, 255}
	colBlue   = color.RGBA{0, 114, 178, 255}
	colVerm   = color.RGBA{213, 94, 0, 255}
	colGrey   = color.RGBA{150, 150, 150, 255}
	curveCols = []color.Color{colVerm, colBlue, colGreen, colOrange, colSky}
)

// WritePlots writes the ROC curves, the FF scatter and the z21-versus-FF
// plot as PNG files into dir (which must exist). A plot without data is
// not written. It returns the names of the files written.
func (r *Report) WritePlots(dir string) ([]string, error) {
	var written []string
	for _, pl := range []struct {
		name string
		make func() (*plot.Plot, error)
	}{{ROCPlotFile, r.rocPlot}, {FFPlotFile, r.ffPlot}, {Z21PlotFile, r.z21Plot}} {
		p, err := pl.make()
		if err != nil {
			return written, fmt.Errorf("plotting %s: %w", pl.name, err)
		}
		if p == nil {
			continue
		}
		if err := savePNG(p, filepath.Join(dir, pl.name)); err != nil {
			return written, err
		}
		written = append(written, pl.name)
	}
	return written, nil
}

func savePNG(p *plot.Plot, path string) error {
	wt, err := p.WriterTo(plotW, plotH, "png")
	if err != nil {
		return fmt.Errorf("rendering %s: %w", path, err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return fmt.Errorf("rendering %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, buf.Bytes())
}

func (r *Report) rocPlot() (*plot.Plot, error) {
	var curves []ROCResult
	for _, c := range r.ROC {
		if len(c.Points) > 0 {
			curves = append(curves, c)
		}
	}
	if len(curves) == 0 {
		return nil, nil
	}
	p := plot.New()
	p.Title.Text = "ROC: chromosome z-score"
	p.X.Label.Text = "false-positive rate (1 − specificity)"
	p.Y.Label.Text = "true-positive rate (sensitivity)"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1.02
	diag, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		return nil, err
	}
	diag.Color, diag.Dashes = colGrey, []vg.Length{vg.Points(4), vg.Points(4)}
	p.Add(diag)
	for i, c := range curves {
		xys := make(plotter.XYs, len(c.Points))
		for k, pt := range c.Points {
			xys[k] = plotter.XY{X: float64(pt.FPR), Y: float64(pt.TPR)}
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = curveCols[i%len(curveCols)], vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("%s (AUC %s, %d+/%d−)", c.Condition, num(c.AUC, 3), c.Positives, c.Negatives), l)
	}
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(5), vg.Points(5)
	return p, nil
}

// ffPlot is the FF scatter, estimated against true, by fetal sex. It shows
// fetal-sex groups of the validation cohort and is a sex-dependent output.
func (r *Report) ffPlot() (*plot.Plot, error) {
	groups := map[string]plotter.XYs{}
	n := 0
	for _, j := range r.joined {
		if j.c == nil || math.IsNaN(j.t.FF) || math.IsNaN(j.c.FF) || j.t.Twins {
			continue
		}
		groups[j.t.FetalSex] = append(groups[j.t.FetalSex], plotter.XY{X: 100 * j.t.FF, Y: 100 * j.c.FF})
		n++
	}
	if n == 0 {
		return nil, nil
	}
	p := plot.New()
	p.Title.Text = "Fetal fraction: estimated vs true"
	p.X.Label.Text = "true FF (%)"
	p.Y.Label.Text = "estimated FF (%)"
	hi := 0.0
	for _, xys := range groups {
		for _, xy := range xys {
			hi = math.Max(hi, math.Max(xy.X, xy.Y))
		}
	}
	hi = math.Ceil(hi*1.05 + 0.5)
	p.X.Min, p.Y.Min, p.X.Max, p.Y.Max = 0, 0, hi, hi
	id, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: hi, Y: hi}})
	if err != nil {
		return nil, err
	}
	id.Color, id.Dashes = colGrey, []vg.Length{vg.Points(4), vg.Points(4)}
	p.Add(id)
	for _, g := range []struct {
		key, label string
		col        color.Color
		shape      draw.GlyphDrawer
	}{{"female", "female fetus", colVerm, draw.CircleGlyph{}}, {"male", "male fetus", colBlue, draw.TriangleGlyph{}}, {"", "fetal sex unknown", colGrey, draw.RingGlyph{}}} {
		if len(groups[g.key]) == 0 {
			continue
		}
		s, err := plotter.NewScatter(groups[g.key])
		if err != nil {
			return nil, err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: g.col, Radius: vg.Points(2.5), Shape: g.shape}
		p.Add(s)
		p.Legend.Add(fmt.Sprintf("%s (n = %d)", g.label, len(groups[g.key])), s)
	}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(5), -vg.Points(5)
	return p, nil
}

// z21Plot shows z21 against the estimated FF (what a lab sees), T21 samples
// highlighted, with the conventional z = 3 line drawn for orientation only
// (the caller's own rule may differ).
func (r *Report) z21Plot() (*plot.Plot, error) {
	var eu, t21, mos plotter.XYs
	for _, j := range r.joined {
		if j.noResult() || math.IsNaN(j.c.FF) {
			continue
		}
		z, ok := j.c.Z[21]
		if !ok || math.IsNaN(z) {
			continue
		}
		xy := plotter.XY{X: 100 * j.c.FF, Y: z}
		switch {
		case j.t.FullTrisomy(21):
			t21 = append(t21, xy)
		case j.t.Trisomy == 21:
			mos = append(mos, xy)
		default:
			eu = append(eu, xy)
		}
	}
	if len(eu)+len(t21)+len(mos) == 0 {
		return nil, nil
	}
	zlo, zhi, xhi := 0.0, 3.0, 1.0
	for _, g := range []plotter.XYs{eu, t21, mos} {
		for _, xy := range g {
			zlo, zhi, xhi = math.Min(zlo, xy.Y), math.Max(zhi, xy.Y), math.Max(xhi, xy.X)
		}
	}
	p := plot.New()
	p.Title.Text = "chr21 z-score vs estimated fetal fraction"
	p.X.Label.Text = "estimated FF (%)"
	p.Y.Label.Text = "z21"
	p.X.Min, p.X.Max = 0, xhi*1.05
	// Head room above the data for the legend (a third of the range).
	p.Y.Min, p.Y.Max = zlo-0.05*(zhi-zlo), zhi+0.35*(zhi-zlo)
	ref := plotter.NewFunction(func(float64) float64 { return 3 })
	ref.Color, ref.Dashes = colGrey, []vg.Length{vg.Points(4), vg.Points(4)}
	p.Add(ref)
	p.Legend.Add("z = 3", ref)
	for _, g := range []struct {
		xys   plotter.XYs
		label string
		col   color.Color
		shape draw.GlyphDrawer
	}{{eu, "no T21", colBlack, draw.RingGlyph{}}, {t21, "T21", colVerm, draw.CircleGlyph{}}, {mos, "mosaic T21", colOrange, draw.TriangleGlyph{}}} {
		if len(g.xys) == 0 {
			continue
		}
		s, err := plotter.NewScatter(g.xys)
		if err != nil {
			return nil, err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: g.col, Radius: vg.Points(2.5), Shape: g.shape}
		p.Add(s)
		p.Legend.Add(fmt.Sprintf("%s (n = %d)", g.label, len(g.xys)), s)
	}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(5), -vg.Points(5)
	return p, nil
}
