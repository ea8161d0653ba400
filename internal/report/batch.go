package report

import (
	"bytes"
	"fmt"
	"html/template"
	"sort"
	"strings"

	"github.com/nipt/nipt/internal/analyze"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/stats"
)

// BatchViews is a batch whose results passed the disclosure policy.
type BatchViews struct {
	ID    string
	Views []*result.Result
	// Offsets is the batch's autosomal batch QC (nil: not available).
	Offsets []analyze.BatchOffset
}

type batchSection struct {
	ID               string
	Rows             [][]string
	Pass, Warn, Fail int
	Issues           []string // "SAMPLE (warn|fail): reasons"
	// BatchQC says whether the batch QC ran and what it found;
	// BatchWarnings are its warnings, one per chromosome.
	BatchQC       string
	BatchWarnings []string
}

// SortBatches orders batches by run id (their directory name), the only
// order the batch report uses: no wall-clock time is involved.
func SortBatches(bs []BatchViews) {
	sort.SliceStable(bs, func(i, j int) bool { return bs[i].ID < bs[j].ID })
}

// BatchHTML renders the batch report: per batch a summary table with the QC
// verdicts, the z/FF scatter over all samples, and reads and fetal fraction
// by sequencing run (by batch for results that name no run) when there
// are several.
func BatchHTML(bs []BatchViews, p *disclosure.Profile, reportDate string) ([]byte, error) {
	var all []*result.Result
	var rows [][]string
	var sections []batchSection
	// The trend is drawn per sequencing run where the results name it,
	// else per analysis directory; runs in order of first appearance.
	var byRun []BatchStats
	pos := map[string]int{}
	statsOf := func(label string) *BatchStats {
		k, ok := pos[label]
		if !ok {
			k = len(byRun)
			pos[label] = k
			byRun = append(byRun, BatchStats{ID: label})
		}
		return &byRun[k]
	}
	for _, b := range bs {
		s := batchSection{ID: b.ID}
		s.BatchQC, s.BatchWarnings = BatchQCSummary(b.Offsets)
		for _, v := range b.Views {
			row, err := SummaryRow(v)
			if err != nil {
				return nil, err
			}
			s.Rows = append(s.Rows, row)
			rows = append(rows, row)
			switch v.QC.Status {
			case result.QCPass:
				s.Pass++
			case result.QCWarn:
				s.Warn++
			default:
				s.Fail++
			}
			if v.QC.Status != result.QCPass {
				s.Issues = append(s.Issues, fmt.Sprintf("%s (%s): %s", v.Sample, v.QC.Status, strings.Join(qcReasons(v.QC), "; ")))
			}
			label := b.ID
			if len(v.Runs) > 0 {
				label = counts.RunKey(v.Runs)
			}
			st := statsOf(label)
			st.Reads = append(st.Reads, SampleReads(v))
			if v.FetalFraction.Known() {
				st.FF = append(st.FF, v.FetalFraction.Value)
			}
			switch v.QC.Status {
			case result.QCPass:
				st.Pass++
			case result.QCWarn:
				st.Warn++
			default:
				st.Fail++
			}
			if NoCallSample(v) {
				st.NoCall++
			}
			all = append(all, v)
		}
		sections = append(sections, s)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("batch report: no samples")
	}
	scatter, err := ZFFScatter(all)
	if err != nil {
		return nil, err
	}
	data := map[string]any{
		"CSS": css, "Lab": p.Lab, "Profile": p.Name, "ReportDate": reportDate,
		"Batches": sections, "NSamples": len(all), "Columns": SummaryColumns, "Reasons": reasonLegend(rows),
		"Scatter": dataURL(scatter), "Trend": template.URL(""), "RunQC": runQCRows(byRun),
	}
	if len(byRun) > 1 {
		trend, err := TrendPlot(byRun)
		if err != nil {
			return nil, err
		}
		data["Trend"] = dataURL(trend)
	}
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, "batch.html.tmpl", data); err != nil {
		return nil, fmt.Errorf("batch report: %w", err)
	}
	return buf.Bytes(), nil
}

// BatchQCSummary is the batch QC of an analysis as the batch report
// states it: the note (per sequencing run where the analysis grouped by
// run) and one warning per chromosome with a batch offset.
func BatchQCSummary(offsets []analyze.BatchOffset) (note string, warnings []string) {
	for _, o := range offsets {
		if o.Status == analyze.BatchWarn {
			warnings = append(warnings, analyze.BatchWarning(o))
		}
	}
	return batchQCNote(offsets), warnings
}

// batchQCNote summarises the autosomal batch QC of an analysis, and its
// batch correction where nipt analyze applied one, for the report: one
// note per sequencing run when the analysis grouped its samples by run.
func batchQCNote(offsets []analyze.BatchOffset) string {
	if offsets == nil {
		return "Batch QC: not available for this analysis."
	}
	var order []string
	byBatch := map[string][]analyze.BatchOffset{}
	for _, o := range offsets {
		if _, ok := byBatch[o.Batch]; !ok {
			order = append(order, o.Batch)
		}
		byBatch[o.Batch] = append(byBatch[o.Batch], o)
	}
	if len(order) == 1 && (order[0] == analyze.BatchAll || order[0] == "") {
		return runQCNote(offsets)
	}
	notes := make([]string, len(order))
	for i, b := range order {
		notes[i] = "Run " + b + ": " + runQCNote(byBatch[b])
	}
	return strings.Join(notes, " ")
}

// runQCNote is the note of one batch.
func runQCNote(offsets []analyze.BatchOffset) string {
	tested, warn := 0, 0
	var applied, skipped []string
	for _, o := range offsets {
		switch o.Status {
		case analyze.BatchWarn:
			warn++
			tested++
		case analyze.BatchPass:
			tested++
		}
		switch o.Correction {
		case analyze.CorrectionApplied:
			applied = append(applied, o.Chrom)
		case analyze.CorrectionTooFew, analyze.CorrectionHighRisk:
			skipped = append(skipped, o.Chrom)
		}
	}
	var note string
	switch {
	case tested == 0:
		note = "Batch QC: too few samples to test the batch for chromosome offsets."
	case warn == 0:
		note = fmt.Sprintf("Batch QC: no autosome reads higher or lower across the batch than the reference predicts (%d tested).", tested)
	default:
		before := ""
		if len(applied) > 0 {
			before = " (before batch correction)"
		}
		note = fmt.Sprintf("Batch QC: %d of %d autosomes read off across the batch%s:", warn, tested, before)
	}
	if len(applied) > 0 || len(skipped) > 0 {
		corr := fmt.Sprintf(" Batch correction: the batch's own offsets were removed from the dosages of %d autosomes", len(applied))
		if len(skipped) > 0 {
			corr += fmt.Sprintf("; not from %s (too few samples, or too many high-risk results for the batch to serve as its own euploid control)", strings.Join(skipped, ", "))
		}
		if warn > 0 {
			// The list of warnings follows the note.
			return corr[1:] + ". " + note
		}
		note += corr + "."
	}
	return note
}

// NoCallSample reports whether a sample counts as a no-call in the
// validation's sense: QC failed, or no call for T13, T18 or T21.
func NoCallSample(v *result.Result) bool {
	if v.QC.Status == result.QCFail {
		return true
	}
	for _, f := range v.Aneuploidies {
		if f.Call == result.NoCall && (f.Condition == disclosure.T13 || f.Condition == disclosure.T18 || f.Condition == disclosure.T21) {
			return true
		}
	}
	return false
}

// runQCRows is the quality-by-run table of the batch report: per run (or
// analysis directory), samples, median reads, median fetal fraction, QC
// verdicts and no-calls.
func runQCRows(bs []BatchStats) [][]string {
	med := func(x []float64, scale float64, format string) string {
		if len(x) == 0 {
			return "NA"
		}
		return fmt.Sprintf(format, scale*stats.Median(x))
	}
	rows := make([][]string, len(bs))
	for i, s := range bs {
		n := s.Pass + s.Warn + s.Fail
		rows[i] = []string{s.ID, fmt.Sprint(n), med(s.Reads, 1e-6, "%.2f"), med(s.FF, 100, "%.1f%%"),
			fmt.Sprintf("%d / %d / %d", s.Pass, s.Warn, s.Fail), fmt.Sprintf("%d (%.0f%%)", s.NoCall, 100*float64(s.NoCall)/float64(max(n, 1)))}
	}
	return rows
}
