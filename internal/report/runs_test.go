package report_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/report"
	"github.com/nipt/nipt/internal/result"
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

// TestBatchTrendByRun: one analysis directory holding two sequencing runs
// gets the reads and fetal fraction trend by run and a quality row per
// run; one without runs no trend and one row, the directory's.
func TestBatchTrendByRun(t *testing.T) {
	p := disclosure.DefaultProfile()
	views := func(runs ...string) []*result.Result {
		var out []*result.Result
		for i, run := range runs {
			r := disclosure.Fixture(disclosure.FixtureSpec{Sample: fmt.Sprintf("S%d", i), Sex: "female", Seed: uint64(i + 1), BinSize: 5_000_000})
			if run != "" {
				r.Runs = []string{run}
			}
			v, err := disclosure.Apply(r, p, disclosure.Request{})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return out
	}
	const trend = "reads and fetal fraction by sequencing run"
	two, err := report.BatchHTML([]report.BatchViews{{ID: "batch7", Views: views("FC1", "FC2", "FC1")}}, p, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(two), trend) {
		t.Error("no trend for one directory of two runs")
	}
	// The quality-by-run table: one row per run, its samples counted.
	for _, want := range []string{"<h2>Quality by run</h2>", "<tr><td>FC1</td><td>2</td>", "<tr><td>FC2</td><td>1</td>"} {
		if !strings.Contains(string(two), want) {
			t.Errorf("batch report lacks %q", want)
		}
	}
	one, err := report.BatchHTML([]report.BatchViews{{ID: "batch7", Views: views("", "", "")}}, p, "")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(one), trend) {
		t.Error("a trend for one directory without runs")
	}
	if !strings.Contains(string(one), "<tr><td>batch7</td><td>3</td>") {
		t.Error("without runs the quality table lacks the directory's row")
	}
}

// TestReviewState: a model completed by the review application prints its
// draft banner and its electronic sign-off in both documents.
func TestReviewState(t *testing.T) {
	p := disclosure.DefaultProfile()
	v, err := disclosure.Apply(disclosure.Fixture(disclosure.FixtureSpec{Sample: "S1", Sex: "female", Condition: "euploid", Seed: 1, BinSize: 5_000_000}), p, disclosure.Request{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ draft, by, date string }{
		{"DRAFT: not yet signed off", "", ""},
		{"", "gina (signed off electronically)", "2026-11-30"},
	} {
		m, err := report.NewModel(v, p, "")
		if err != nil {
			t.Fatal(err)
		}
		m.Draft, m.SignedBy, m.SignedDate = tc.draft, tc.by, tc.date
		html, pdf, _, err := report.ModelDocuments(m, v)
		if err != nil {
			t.Fatal(err)
		}
		h, pt := string(html), pdfText(t, pdf)
		// (A table cell of the PDF may wrap a long value, and PDF strings
		// escape parentheses: its words are looked for one by one.)
		words := strings.FieldsFunc(tc.by, func(r rune) bool { return r == ' ' || r == '(' || r == ')' })
		for _, want := range append([]string{tc.draft, tc.date}, words...) {
			if want != "" && (!strings.Contains(h, want) || !strings.Contains(pt, want)) {
				t.Errorf("%q missing from the HTML (%v) or the PDF (%v)", want, strings.Contains(h, want), strings.Contains(pt, want))
			}
		}
		if tc.by != "" && !strings.Contains(h, tc.by) {
			t.Errorf("%q missing from the HTML", tc.by)
		}
		if tc.draft == "" && strings.Contains(h, `class="draft"`) {
			t.Error("a draft banner on a signed report")
		}
	}
}
