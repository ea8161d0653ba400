package report

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png" // DecodeConfig of the plots
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/nipt/nipt/internal/report/pdffont"
)

// pdfEpoch is the PDF creation date when the caller gives no report date:
// fixed, so the same input gives byte-identical PDFs.
var pdfEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// A4 portrait layout in millimetres.
const (
	pdfMargin = 15.0
	pdfWidth  = 210.0 - 2*pdfMargin
	pdfLine   = 4.6 // line height for 9.5 pt text
	pdfBottom = 297.0 - pdfMargin
)

type pdfDoc struct {
	*fpdf.Fpdf
	lab, labBold *pdffont.Font // [report] fonts; nil: core fonts only
	style        string        // current style, "" or "B"
	size         float64       // current size, pt
	// Characters no font could print, in order of appearance, and the
	// first text holding one.
	missing      map[rune]bool
	missingOrder []rune
	missingText  string
	context      string // the text being laid out, for missingErr
}

// newPDFDoc starts a document with the fonts of m: the lab's TrueType
// fonts, embedded as subsets, beside the core fonts.
func newPDFDoc(m *Model) (*pdfDoc, error) {
	d := &pdfDoc{Fpdf: fpdf.New("P", "mm", "A4", ""), lab: m.Font, labBold: m.FontBold}
	if d.lab != nil {
		if err := embedFont(d.Fpdf, "", d.lab); err != nil {
			return nil, err
		}
	}
	if d.labBold != nil {
		if err := embedFont(d.Fpdf, "B", d.labBold); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// embedFont registers a lab font; the PDF library panics on some damaged
// fonts that passed pdffont's checks, which becomes an error here.
func embedFont(f *fpdf.Fpdf, style string, ft *pdffont.Font) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("[report] font %s cannot be embedded (%v): choose another TrueType font", ft.Path, r)
		}
	}()
	f.AddUTF8FontFromBytes(labFamily, style, ft.Data)
	return f.Error()
}

// SamplePDF lays out the report of one sample as a PDF. The plots are the
// PNGs of SamplePlots.
func SamplePDF(m *Model, plots SamplePlots) (out []byte, err error) {
	d, err := newPDFDoc(m)
	if err != nil {
		return nil, fmt.Errorf("pdf report of sample %s: %w", m.Sample, err)
	}
	defer func() {
		if r := recover(); r != nil { // inside the PDF library's font subsetting
			out, err = nil, fmt.Errorf("pdf report of sample %s: the PDF library failed (%v): check the [report] font", m.Sample, r)
		}
	}()
	f := d.Fpdf
	date := pdfEpoch
	if t, err := time.Parse("2006-01-02", m.ReportDate); err == nil {
		date = t
	}
	f.SetCreationDate(date)
	f.SetModificationDate(date)
	f.SetCatalogSort(true)
	f.SetCompression(true)
	f.SetTitle("NIPS report "+m.Sample, true)
	f.SetCreator("nipt", true)
	f.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	f.SetAutoPageBreak(true, pdfMargin)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		style, size := d.style, d.size
		d.setFont("", 7.5)
		f.SetTextColor(110, 110, 110)
		// The page count stays in the core font: fpdf fills its alias in
		// after layout, which a font subset cannot follow.
		l := d.wrap(fmt.Sprintf("Sample %s  ·  %s", m.Sample, m.Lab.Name), 1e9, false)[0]
		l.add(d.spaces(2, false))
		for _, p := range d.wrap(fmt.Sprintf("·  page %d of {nb}", f.PageNo()), 1e9, true)[0].pieces {
			l.add(p)
		}
		d.draw(l, pdfMargin, 297-10, pdfWidth, 4, "C")
		f.SetTextColor(0, 0, 0)
		d.setFont(style, size)
	})
	f.AddPage()

	d.setFont("B", 13)
	d.text(m.Lab.Name, 6)
	d.setFont("", 8)
	for _, s := range []string{m.Lab.Address, m.Lab.Contact, m.Lab.Accreditation} {
		if s != "" {
			d.text(s, 3.8)
		}
	}
	f.Ln(2)
	d.setFont("B", 14)
	d.text(m.Title, 8)
	date2 := m.ReportDate
	if date2 == "" {
		date2 = "see signature"
	}
	head := [][]string{{"Sample ID", m.Sample}, {"Report date", date2}}
	if m.Runs != "" {
		head = append(head, []string{"Sequencing run", m.Runs})
	}
	d.table([]float64{38, pdfWidth - 38}, append(head,
		[]string{"Fetal fraction", m.FetalFraction + "; " + m.FFMethods},
		[]string{"Sex of the fetus", m.SexStatement},
		[]string{"Quality control", strings.Join(append([]string{m.QCStatus}, m.QCReasons...), "; ")},
	), nil, false)

	f.Ln(2)
	if m.Draft != "" {
		f.SetFillColor(0xff, 0xf3, 0xe0)
		d.setFont("B", 10)
		d.box(pdfWidth, 6, m.Draft)
		f.Ln(1.5)
	}
	r, g, b := overallColour(m.Overall)
	f.SetFillColor(r, g, b)
	d.setFont("B", 10)
	d.box(pdfWidth, 6, m.OverallText)

	d.heading("Results")
	rows := [][]string{{"Condition", "Result", "Details", "Laboratory performance"}}
	classes := []string{""}
	for _, l := range m.Lines {
		res := l.Result
		if l.Risk != "" {
			res += "\n" + l.Risk // the table prints it below, unemphasised
		}
		rows = append(rows, []string{l.Name, res, l.Detail, l.Performance})
		classes = append(classes, l.Class)
	}
	d.table([]float64{38, 30, 68, pdfWidth - 136}, rows, classes, true)
	d.setFont("", 7.5)
	if m.RiskNote != "" {
		d.block(pdfWidth, 3.6, m.RiskNote)
		d.Ln(0.8)
	}
	d.block(pdfWidth, 3.6, m.PerfNote)

	d.heading("Recommendation")
	d.setFont("", 9.5)
	d.block(pdfWidth, pdfLine, m.Recommendation)

	d.heading("Plots")
	d.image("genome", plots.Genome)
	d.image("chromz", plots.ChromZ)
	d.image("panels", plots.Panels)

	d.heading("Quality control")
	qc := [][]string{{"Metric", "Value", "Thresholds", "Status"}}
	for _, q := range m.QC {
		qc = append(qc, []string{q.Name, q.Value, q.Limits, q.Status})
	}
	d.table([]float64{50, 40, 60, pdfWidth - 150}, qc, nil, true)

	d.heading("Test and method")
	d.bullets(m.Method)
	d.heading("Limitations")
	d.bullets(m.Limitations)

	d.heading("Review and sign-off")
	d.table([]float64{55, 65, 20, pdfWidth - 140}, [][]string{
		{"Reviewed by", "", "Date", ""},
		{"Signed by (laboratory director)", m.SignedBy, "Date", m.SignedDate},
	}, nil, false, 10)
	d.setFont("", 7.5)
	f.Ln(1)
	d.text("Profile "+m.Profile+". This report identifies the sample by a pseudonymous laboratory ID only.", 3.6)

	if err := d.missingErr(); err != nil {
		return nil, fmt.Errorf("pdf report of sample %s: %w", m.Sample, err)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("pdf report of sample %s: %w", m.Sample, err)
	}
	return buf.Bytes(), nil
}

func (d *pdfDoc) text(s string, h float64) {
	d.block(pdfWidth, h, s)
}

// box prints s wrapped in a filled, framed box (as MultiCell with border
// "1" and fill).
func (d *pdfDoc) box(w, h float64, s string) {
	x, y := d.GetXY()
	n := d.lineCount(s, w)
	if y+float64(n)*h > pdfBottom {
		d.AddPage()
		y = d.GetY()
	}
	d.Rect(x, y, w, float64(n)*h, "DF")
	d.SetXY(x, y)
	d.block(w, h, s)
}

func (d *pdfDoc) heading(s string) {
	if _, y := d.GetXY(); y > 297-pdfMargin-25 {
		d.AddPage()
	}
	d.Ln(3)
	d.setFont("B", 11)
	d.SetTextColor(0x4a, 0x6f, 0xa5)
	x, y := d.GetXY()
	d.draw(d.wrap(s, 1e9, false)[0], x, y, pdfWidth, 6, "L")
	d.Line(x, y+6, x+pdfWidth, y+6)
	d.SetTextColor(0, 0, 0)
	d.SetXY(pdfMargin, y+6)
	d.Ln(1)
}

func (d *pdfDoc) bullets(items []string) {
	d.setFont("", 9)
	for _, s := range items {
		d.block(pdfWidth, 4.2, "•  "+s)
	}
}

// table draws rows with wrapped cells; the first row is a header when
// header is set; classes colour the second column of each row (its first
// line of text; what follows a line break is printed in regular black);
// minH is an optional minimum row height.
func (d *pdfDoc) table(widths []float64, rows [][]string, classes []string, header bool, minH ...float64) {
	for i, row := range rows {
		bold := header && i == 0
		style := ""
		if bold || (!header && len(widths) == 2) {
			style = "B"
		}
		d.setFont(style, 8.5)
		h := 0.0
		for j, cell := range row {
			n := d.lineCount(cell, widths[j])
			if j == 1 && classes != nil && classes[i] != "" {
				head, rest, _ := strings.Cut(cell, "\n")
				d.setFont("B", 8.5)
				n = d.lineCount(head, widths[j])
				if rest != "" {
					d.setFont("", 8.5)
					n += d.lineCount(rest, widths[j])
				}
			}
			h = max(h, float64(max(n, 1))*4.2+1.5)
			d.setFont(style, 8.5)
		}
		if len(minH) > 0 {
			h = max(h, minH[0])
		}
		x, y := d.GetXY()
		if y+h > 297-pdfMargin-5 {
			d.AddPage()
			x, y = d.GetXY()
		}
		for j, cell := range row {
			font := style
			if !header && len(widths) == 2 && j > 0 {
				font = ""
			}
			d.setFont(font, 8.5)
			if bold {
				d.SetFillColor(0xee, 0xf2, 0xf8)
				d.Rect(x, y, widths[j], h, "F")
			}
			d.SetXY(x, y+0.75)
			if j == 1 && classes != nil && classes[i] != "" {
				head, rest, _ := strings.Cut(cell, "\n")
				r, g, b := classColour(classes[i])
				d.SetTextColor(r, g, b)
				d.setFont("B", 8.5)
				d.block(widths[j], 4.2, head)
				if rest != "" {
					d.SetTextColor(0x22, 0x22, 0x22) // as td .risk in style.css
					d.setFont("", 8.5)
					d.SetX(x)
					d.block(widths[j], 4.2, rest)
				}
			} else {
				d.block(widths[j], 4.2, cell)
			}
			d.SetTextColor(0, 0, 0)
			d.SetDrawColor(0xcc, 0xcc, 0xcc)
			d.Rect(x, y, widths[j], h, "D")
			x += widths[j]
		}
		d.SetXY(pdfMargin, y+h)
	}
}

// image places a PNG at full text width, on a new page if it does not fit.
func (d *pdfDoc) image(name string, png []byte) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(png))
	if err != nil || cfg.Width == 0 {
		d.SetError(fmt.Errorf("plot %s is not a valid PNG: %v", name, err))
		return
	}
	h := pdfWidth * float64(cfg.Height) / float64(cfg.Width)
	if _, y := d.GetXY(); y+h > 297-pdfMargin-5 {
		d.AddPage()
	}
	opt := fpdf.ImageOptions{ImageType: "PNG", ReadDpi: false}
	d.RegisterImageOptionsReader(name, opt, bytes.NewReader(png))
	_, y := d.GetXY()
	d.ImageOptions(name, pdfMargin, y, pdfWidth, h, false, opt, 0, "")
	d.SetXY(pdfMargin, y+h+2)
}

func classColour(c string) (int, int, int) {
	switch c {
	case "high":
		return 0xb7, 0x1c, 0x1c
	case "low":
		return 0x1b, 0x6e, 0x20
	case "nocall":
		return 0x8a, 0x6d, 0x00
	}
	return 0x4a, 0x6f, 0xa5
}

func overallColour(o string) (int, int, int) {
	switch o {
	case OverallPositive:
		return 0xfd, 0xec, 0xea
	case OverallNegative:
		return 0xed, 0xf7, 0xed
	}
	return 0xff, 0xf8, 0xe1
}
