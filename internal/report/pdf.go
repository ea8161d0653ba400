package report

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png" // DecodeConfig of the plots
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// pdfEpoch is the PDF creation date when the caller gives no report date:
// fixed, so the same input gives byte-identical PDFs.
var pdfEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// A4 portrait layout in millimetres.
const (
	pdfMargin = 15.0
	pdfWidth  = 210.0 - 2*pdfMargin
	pdfLine   = 4.6 // line height for 9.5 pt text
)

// pdfASCII spells out the symbols the PDF core fonts (code page 1252)
// lack, which the translator would print as dots; free text from the
// engine (no-call and QC reasons) may contain them.
var pdfASCII = strings.NewReplacer("≥", ">=", "≤", "<=", "−", "-", "≈", "~", "→", "->", "κ", "kappa", "σ", "SD")

type pdfDoc struct {
	*fpdf.Fpdf
	tr func(string) string
}

// SamplePDF lays out the report of one sample as a PDF. The plots are the
// PNGs of SamplePlots.
func SamplePDF(m *Model, plots SamplePlots) ([]byte, error) {
	f := fpdf.New("P", "mm", "A4", "")
	cp1252 := f.UnicodeTranslatorFromDescriptor("")
	d := &pdfDoc{Fpdf: f, tr: func(s string) string { return cp1252(pdfASCII.Replace(s)) }}
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
		f.SetY(-10)
		f.SetFont("Helvetica", "", 7.5)
		f.SetTextColor(110, 110, 110)
		f.CellFormat(0, 4, d.tr(fmt.Sprintf("Sample %s  ·  %s  ·  page %d of {nb}", m.Sample, m.Lab.Name, f.PageNo())), "", 0, "C", false, 0, "")
	})
	f.AddPage()

	f.SetFont("Helvetica", "B", 13)
	d.text(m.Lab.Name, 6)
	f.SetFont("Helvetica", "", 8)
	for _, s := range []string{m.Lab.Address, m.Lab.Contact, m.Lab.Accreditation} {
		if s != "" {
			d.text(s, 3.8)
		}
	}
	f.Ln(2)
	f.SetFont("Helvetica", "B", 14)
	d.text(m.Title, 8)
	date2 := m.ReportDate
	if date2 == "" {
		date2 = "see signature"
	}
	d.table([]float64{38, pdfWidth - 38}, [][]string{
		{"Sample ID", m.Sample},
		{"Report date", date2},
		{"Fetal fraction", m.FetalFraction + "; " + m.FFMethods},
		{"Sex of the fetus", m.SexStatement},
		{"Quality control", strings.Join(append([]string{m.QCStatus}, m.QCReasons...), "; ")},
	}, nil, false)

	f.Ln(2)
	r, g, b := overallColour(m.Overall)
	f.SetFillColor(r, g, b)
	f.SetFont("Helvetica", "B", 10)
	f.MultiCell(pdfWidth, 6, d.tr(m.OverallText), "1", "L", true)

	d.heading("Results")
	rows := [][]string{{"Condition", "Result", "Details", "Laboratory performance"}}
	classes := []string{""}
	for _, l := range m.Lines {
		rows = append(rows, []string{l.Name, l.Result, l.Detail, l.Performance})
		classes = append(classes, l.Class)
	}
	d.table([]float64{40, 26, 70, pdfWidth - 136}, rows, classes, true)
	f.SetFont("Helvetica", "", 7.5)
	f.MultiCell(pdfWidth, 3.6, d.tr(m.PerfNote), "", "L", false)

	d.heading("Recommendation")
	f.SetFont("Helvetica", "", 9.5)
	f.MultiCell(pdfWidth, pdfLine, d.tr(m.Recommendation), "", "L", false)

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
		{"Signed by (laboratory director)", "", "Date", ""},
	}, nil, false, 10)
	f.SetFont("Helvetica", "", 7.5)
	f.Ln(1)
	d.text("Profile "+m.Profile+". This report identifies the sample by a pseudonymous laboratory ID only.", 3.6)

	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("pdf report of sample %s: %w", m.Sample, err)
	}
	return buf.Bytes(), nil
}

func (d *pdfDoc) text(s string, h float64) {
	d.MultiCell(pdfWidth, h, d.tr(s), "", "L", false)
}

func (d *pdfDoc) heading(s string) {
	if _, y := d.GetXY(); y > 297-pdfMargin-25 {
		d.AddPage()
	}
	d.Ln(3)
	d.SetFont("Helvetica", "B", 11)
	d.SetTextColor(0x4a, 0x6f, 0xa5)
	d.CellFormat(pdfWidth, 6, d.tr(s), "B", 1, "L", false, 0, "")
	d.SetTextColor(0, 0, 0)
	d.Ln(1)
}

func (d *pdfDoc) bullets(items []string) {
	d.SetFont("Helvetica", "", 9)
	for _, s := range items {
		d.MultiCell(pdfWidth, 4.2, d.tr("•  "+s), "", "L", false)
	}
}

// table draws rows with wrapped cells; the first row is a header when
// header is set; classes colour the second column of each row; minH is an
// optional minimum row height.
func (d *pdfDoc) table(widths []float64, rows [][]string, classes []string, header bool, minH ...float64) {
	for i, row := range rows {
		bold := header && i == 0
		style := ""
		if bold || (!header && len(widths) == 2) {
			style = "B"
		}
		d.SetFont("Helvetica", style, 8.5)
		h := 0.0
		for j, cell := range row {
			n := len(d.SplitLines([]byte(d.tr(cell)), widths[j]))
			h = max(h, float64(max(n, 1))*4.2+1.5)
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
			d.SetFont("Helvetica", font, 8.5)
			if bold {
				d.SetFillColor(0xee, 0xf2, 0xf8)
				d.Rect(x, y, widths[j], h, "F")
			}
			if j == 1 && classes != nil && classes[i] != "" {
				r, g, b := classColour(classes[i])
				d.SetTextColor(r, g, b)
				d.SetFont("Helvetica", "B", 8.5)
			}
			d.SetXY(x, y+0.75)
			d.MultiCell(widths[j], 4.2, d.tr(cell), "", "L", false)
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
