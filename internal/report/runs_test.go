package report_test

import (
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/report"
)

// TestSampleReportRuns: the sample report names the sequencing runs the
// result records, in the HTML and the PDF, and has no run line without
// them.
func TestSampleReportRuns(t *testing.T) {
	p := disclosure.DefaultProfile()
	for _, runs := range [][]string{nil, {"HK3TWDSX3", "HK7ZZDSX3"}} {
		r := disclosure.Fixture(disclosure.FixtureSpec{Sample: "S1", Sex: "female", Seed: 3, BinSize: 5_000_000})
		r.Runs = runs
		v, err := disclosure.Apply(r, p, disclosure.Request{})
		if err != nil {
			t.Fatal(err)
		}
		m, err := report.NewModel(v, p, "")
		if err != nil {
			t.Fatal(err)
		}
		plots, err := report.NewSamplePlots(v)
		if err != nil {
			t.Fatal(err)
		}
		html, err := report.SampleHTML(m, plots)
		if err != nil {
			t.Fatal(err)
		}
		pdf, err := report.SamplePDF(m, plots)
		if err != nil {
			t.Fatal(err)
		}
		h, pt := string(html), pdfText(t, pdf)
		if runs == nil {
			if strings.Contains(h, "Sequencing run") || strings.Contains(pt, "Sequencing run") {
				t.Error("a run line without runs")
			}
			continue
		}
		if !strings.Contains(h, "<th>Sequencing run</th><td colspan=\"3\">HK3TWDSX3, HK7ZZDSX3</td>") {
			t.Error("the HTML report does not name the runs")
		}
		if !strings.Contains(pt, "Sequencing run") || !strings.Contains(pt, "HK3TWDSX3, HK7ZZDSX3") {
			t.Error("the PDF report does not name the runs")
		}
	}
}
