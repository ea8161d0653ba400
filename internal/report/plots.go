package report

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/result"
)

// PlotDPI is the resolution of every PNG; sizes are given in pixels. At
// 200 dpi a 1400-pixel plot is 7 inches (178 mm), the text width of an A4
// page, so fonts given in points print at their size in the PDF.
const PlotDPI = 200

// Display limits: values beyond are drawn at the limit. A ratio range of
// 0.7–1.3 resolves a fetal trisomy or CNV at 4–20% fetal fraction (ratio
// 1 ± 0.02–0.10) against the bin noise (SD ≈ 0.03 at 1 Mb); a maternal
// duplication (ratio ≈ 1.5) is drawn at the upper edge. Bin z-scores beyond
// ±8 carry no more visual information at this scale.
const (
	ratioMin, ratioMax = 0.7, 1.3
	zMin, zMax         = -8.0, 8.0
	// callZ is the conventional trisomy z-score threshold drawn as a guide
	// (Chiu et al. 2008 PNAS 105:20458 used |z| > 3).
	callZ = 3.0
)

var (
	colEven    = color.RGBA{R: 0x4a, G: 0x6f, B: 0xa5, A: 0xff}
	colOdd     = color.RGBA{R: 0x8c, G: 0x8c, B: 0x8c, A: 0xff}
	colSegment = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	colGuide   = color.RGBA{R: 0xaa, G: 0xaa, B: 0xaa, A: 0xff}
	colHigh    = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	colNoCall  = color.RGBA{R: 0xe0, G: 0xa0, B: 0x00, A: 0xff}
)

// chromLayout places the chromosomes of a view end to end: chromosome order
// is canonical, lengths are the ends of their last bins.
type chromLayout struct {
	names  []string
	offset map[string]float64
	length map[string]float64
}

func newChromLayout(v *result.Result) chromLayout {
	l := chromLayout{offset: map[string]float64{}, length: map[string]float64{}}
	for _, b := range v.Bins {
		if float64(b.End) > l.length[b.Chrom] {
			l.length[b.Chrom] = float64(b.End)
		}
	}
	pos := 0.0
	for c := 0; c < genome.NumChroms; c++ {
		n := genome.ChromName(c)
		if _, ok := l.length[n]; !ok {
			continue
		}
		l.names = append(l.names, n)
		l.offset[n] = pos
		pos += l.length[n]
	}
	return l
}

func shortChrom(n string) string {
	if len(n) > 3 && n[:3] == "chr" {
		return n[3:]
	}
	return n
}

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// binPoints returns the unmasked bins of chromosomes in keep as points
// (x = position from xOf, y = value from yOf, clamped) with their colours.
func binPoints(bins []result.Bin, keep func(string) bool, xOf func(result.Bin) float64, yOf func(result.Bin) float64, lo, hi float64, colour func(string) color.Color) (plotter.XYs, []color.Color) {
	var xy plotter.XYs
	var cols []color.Color
	for _, b := range bins {
		if b.Masked || !keep(b.Chrom) || math.IsNaN(yOf(b)) || math.IsInf(yOf(b), 0) {
			continue
		}
		xy = append(xy, plotter.XY{X: xOf(b), Y: clamp(yOf(b), lo, hi)})
		cols = append(cols, colour(b.Chrom))
	}
	return xy, cols
}

func scatter(xy plotter.XYs, cols []color.Color, radius vg.Length) (*plotter.Scatter, error) {
	s, err := plotter.NewScatter(xy)
	if err != nil {
		return nil, err
	}
	s.GlyphStyleFunc = func(i int) draw.GlyphStyle {
		return draw.GlyphStyle{Color: cols[i], Radius: radius, Shape: draw.CircleGlyph{}}
	}
	return s, nil
}

// segmentLines draws horizontal segment levels.
type segmentLines struct {
	lines [][2]plotter.XY
	style draw.LineStyle
}

func (s segmentLines) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, l := range s.lines {
		pts := []vg.Point{{X: trX(l[0].X), Y: trY(l[0].Y)}, {X: trX(l[1].X), Y: trY(l[1].Y)}}
		c.StrokeLines(s.style, c.ClipLinesXY(pts)...)
	}
}

// hline is a horizontal guide at y.
func hline(y float64, xmin, xmax float64) *plotter.Line {
	l, _ := plotter.NewLine(plotter.XYs{{X: xmin, Y: y}, {X: xmax, Y: y}})
	l.Color = colGuide
	l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	return l
}

// renderPNG draws plots into a wpx×hpx PNG, one column and len(plots) rows.
func renderPNG(plots [][]*plot.Plot, wpx, hpx int) ([]byte, error) {
	w := vg.Length(wpx) / PlotDPI * vg.Inch
	h := vg.Length(hpx) / PlotDPI * vg.Inch
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(PlotDPI))
	dc := draw.New(img)
	t := draw.Tiles{Rows: len(plots), Cols: len(plots[0]), PadX: vg.Millimeter * 3, PadY: vg.Millimeter * 2,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(plots, t, dc)
	for i := range plots {
		for j, p := range plots[i] {
			if p != nil {
				// The canvas is white already; a plot's own background fill
				// would paint over the tick labels of its left neighbour.
				p.BackgroundColor = nil
				p.Draw(canvases[i][j])
			}
		}
	}
	var buf bytes.Buffer
	// BestSpeed: plots are mostly flat white, so fast deflate costs little
	// size and halves the rendering time.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img.Image()); err != nil {
		return nil, fmt.Errorf("rendering plot: %w", err)
	}
	return buf.Bytes(), nil
}

// chromTicks labels each chromosome at its centre.
func chromTicks(l chromLayout) plot.ConstantTicks {
	var t plot.ConstantTicks
	for i, n := range l.names {
		label := shortChrom(n)
		if len(l.names) > 20 && i >= 18 && i < 22 && i%2 == 1 {
			label = "" // chromosomes 20 and 22 are too narrow for their own label
		}
		t = append(t, plot.Tick{Value: l.offset[n] + l.length[n]/2, Label: label})
	}
	return t
}

// maxDisplayPoints bounds the points of a genome-wide plot: about the number
// of 1 Mb bins in the genome, two points per pixel column of a 1400-pixel
// plot. More points only overlap and cost drawing time (31,000 bins at the
// 100 kb analysis bin size take ~5× longer to draw than 3,100).
const maxDisplayPoints = 3200

// displayBins merges runs of k consecutive bins of a chromosome, k chosen so
// that at most max points remain: the merged ratio is the mean of the
// unmasked ratios, the merged z-score the Stouffer sum Σz/√n (the z of the
// mean under independence); a merged bin with no unmasked bin is masked.
// With k = 1 the bins are returned as they are.
func displayBins(bins []result.Bin, max int) []result.Bin {
	n := 0
	for _, b := range bins {
		if !b.Masked {
			n++
		}
	}
	k := (n + max - 1) / max
	if k <= 1 {
		return bins
	}
	var out []result.Bin
	for i := 0; i < len(bins); {
		j := i
		m := result.Bin{Chrom: bins[i].Chrom, Start: bins[i].Start, Masked: true}
		sumR, sumZ, used := 0.0, 0.0, 0
		for ; j < len(bins) && j < i+k && bins[j].Chrom == bins[i].Chrom; j++ {
			b := bins[j]
			m.End = b.End
			if b.Masked || math.IsNaN(b.Ratio) || math.IsInf(b.Ratio, 0) {
				continue
			}
			sumR += b.Ratio
			if !math.IsNaN(b.Z) && !math.IsInf(b.Z, 0) {
				sumZ += b.Z
			}
			used++
		}
		if used > 0 {
			m.Masked = false
			m.Ratio = sumR / float64(used)
			m.Z = sumZ / math.Sqrt(float64(used))
		} else {
			m.Ratio = math.NaN()
		}
		out = append(out, m)
		i = j
	}
	return out
}
