package report

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/nipt/nipt/internal/atomicfile"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/parallel"
	"github.com/nipt/nipt/internal/result"
)

// Options configure Generate.
type Options struct {
	// Profile is the lab profile; nil means disclosure.DefaultProfile().
	Profile *disclosure.Profile
	// Request is the test request (indication, sex requested, requester).
	Request disclosure.Request
	// Requests, by sample ID, replace Request for those samples (the
	// sample sheet's per-sample sex_requested and indication).
	Requests map[string]disclosure.Request
	// OutDir receives the reports; created if missing.
	OutDir string
	// ReportDate (YYYY-MM-DD) is printed on the reports and used as the PDF
	// date; empty leaves the date to the signature block.
	ReportDate string
	// Threads renders that many samples at once (at least 1).
	Threads int
}

// Output file names (docs/reports.md).
const (
	BatchHTMLFile    = "batch.html"
	MultiQCStatsFile = "nipt_general_stats_mqc.json"
	MultiQCPlotFile  = "nipt_z21_ff_mqc.json"
)

// SampleFileNames are the per-sample outputs in OUTDIR/SAMPLE/.
func SampleFileNames(sample string) (html, pdf, fhir string) {
	return sample + ".report.html", sample + ".report.pdf", sample + ".fhir.json"
}

// SampleFiles are the report files of one sample.
type SampleFiles struct {
	Sample, HTML, PDF, FHIR string
}

// Files are the paths of everything a report run wrote.
type Files struct {
	// Samples in report order: batches by run id, samples in the order of
	// their summary.tsv.
	Samples      []SampleFiles
	BatchHTML    string
	MultiQCStats string
	MultiQCPlot  string
}

// All returns every path, sorted.
func (f *Files) All() []string {
	out := []string{f.BatchHTML, f.MultiQCStats, f.MultiQCPlot}
	for _, s := range f.Samples {
		out = append(out, s.HTML, s.PDF, s.FHIR)
	}
	sort.Strings(out)
	return out
}

// Generate reads analysis directories (the -o directories of nipt analyze,
// given as they are) and writes the reports of all their samples; it
// returns the files written, sorted. GenerateFiles returns them by role.
func Generate(ctx context.Context, opts Options, analysisDirs ...string) ([]string, error) {
	f, err := GenerateFiles(ctx, opts, analysisDirs...)
	if err != nil {
		return nil, err
	}
	return f.All(), nil
}

// GenerateFiles is Generate returning the paths by role, e.g. for nipt
// demo to print where the batch report and each sample's report are.
func GenerateFiles(ctx context.Context, opts Options, analysisDirs ...string) (*Files, error) {
	var batches []*Batch
	for _, d := range analysisDirs {
		b, err := LoadBatch(d)
		if err != nil {
			return nil, err
		}
		batches = append(batches, b)
	}
	return WriteBatches(ctx, opts, batches)
}

// GenerateBatches writes the reports of batches already in memory and
// returns the files written, sorted (see WriteBatches).
func GenerateBatches(ctx context.Context, opts Options, batches []*Batch) ([]string, error) {
	f, err := WriteBatches(ctx, opts, batches)
	if err != nil {
		return nil, err
	}
	return f.All(), nil
}

// WriteBatches writes the reports of batches already in memory (for
// in-process callers such as nipt demo). Every result passes through
// disclosure.Apply with opts.Profile and opts.Request first.
func WriteBatches(ctx context.Context, opts Options, batches []*Batch) (*Files, error) {
	p := opts.Profile
	if p == nil {
		p = disclosure.DefaultProfile()
	}
	if opts.ReportDate != "" {
		if _, err := time.Parse("2006-01-02", opts.ReportDate); err != nil {
			return nil, fmt.Errorf("report date %q is not YYYY-MM-DD", opts.ReportDate)
		}
	}
	if opts.OutDir == "" {
		return nil, fmt.Errorf("no output directory given (-o)")
	}
	if err := checkProfileText(p); err != nil {
		return nil, err
	}
	// Views first, serially: Apply records disclosures in the audit log.
	seen := map[string]string{}
	var bvs []BatchViews
	for _, b := range batches {
		bv := BatchViews{ID: b.ID, Offsets: b.Offsets}
		for _, r := range b.Results {
			if prev, dup := seen[r.Sample]; dup {
				return nil, fmt.Errorf("sample %s appears in both %s and %s: report each sample once", r.Sample, prev, b.Dir)
			}
			seen[r.Sample] = b.Dir
			req := opts.Request
			if rq, ok := opts.Requests[r.Sample]; ok {
				req = rq
			}
			v, err := disclosure.Apply(r, p, req)
			if err != nil {
				return nil, err
			}
			bv.Views = append(bv.Views, v)
		}
		bvs = append(bvs, bv)
	}
	SortBatches(bvs)
	var views []*result.Result
	for _, bv := range bvs {
		views = append(views, bv.Views...)
	}
	if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating report directory: %w", err)
	}
	out := &Files{}
	var err error
	if out.Samples, err = writeSamples(ctx, views, p, opts); err != nil {
		return nil, err
	}
	batchHTML, err := BatchHTML(bvs, p, opts.ReportDate)
	if err != nil {
		return nil, err
	}
	stats, err := MultiQCGeneralStats(views)
	if err != nil {
		return nil, err
	}
	scatter, err := MultiQCScatter(views)
	if err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		data []byte
		dst  *string
	}{{BatchHTMLFile, batchHTML, &out.BatchHTML}, {MultiQCStatsFile, stats, &out.MultiQCStats}, {MultiQCPlotFile, scatter, &out.MultiQCPlot}} {
		path := filepath.Join(opts.OutDir, f.name)
		if err := atomicfile.WriteFile(path, f.data); err != nil {
			return nil, err
		}
		*f.dst = path
	}
	slog.Info("reports written", "samples", len(views), "batches", len(bvs), "dir", opts.OutDir)
	return out, nil
}

// writeSamples renders and writes the per-sample reports, opts.Threads at
// a time; the first error in sample order is returned.
func writeSamples(ctx context.Context, views []*result.Result, p *disclosure.Profile, opts Options) ([]SampleFiles, error) {
	out := make([]SampleFiles, len(views))
	err := parallel.ForEach(ctx, len(views), opts.Threads, func(_ context.Context, i int) (err error) {
		out[i], err = writeSample(views[i], p, opts)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SampleDocuments renders the HTML, PDF and FHIR documents of one view.
func SampleDocuments(v *result.Result, p *disclosure.Profile, reportDate string) (html, pdf, fhir []byte, err error) {
	m, err := NewModel(v, p, reportDate)
	if err != nil {
		return nil, nil, nil, err
	}
	return ModelDocuments(m, v)
}

// ModelDocuments renders the HTML, PDF and FHIR documents of view v from
// its model m (NewModel), which the caller may have completed: the review
// application's draft banner and electronic sign-off.
func ModelDocuments(m *Model, v *result.Result) (html, pdf, fhir []byte, err error) {
	plots, err := NewSamplePlots(v)
	if err != nil {
		return nil, nil, nil, err
	}
	if html, err = SampleHTML(m, plots); err != nil {
		return nil, nil, nil, err
	}
	if pdf, err = SamplePDF(m, plots); err != nil {
		return nil, nil, nil, err
	}
	if fhir, err = FHIRBundle(v, m); err != nil {
		return nil, nil, nil, err
	}
	return html, pdf, fhir, nil
}

func writeSample(v *result.Result, p *disclosure.Profile, opts Options) (SampleFiles, error) {
	html, pdf, fhir, err := SampleDocuments(v, p, opts.ReportDate)
	if err != nil {
		return SampleFiles{}, err
	}
	dir := filepath.Join(opts.OutDir, v.Sample)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return SampleFiles{}, fmt.Errorf("creating %s: %w", dir, err)
	}
	hn, pn, fn := SampleFileNames(v.Sample)
	out := SampleFiles{Sample: v.Sample, HTML: filepath.Join(dir, hn), PDF: filepath.Join(dir, pn), FHIR: filepath.Join(dir, fn)}
	for _, f := range []struct {
		path string
		data []byte
	}{{out.HTML, html}, {out.PDF, pdf}, {out.FHIR, fhir}} {
		if err := atomicfile.WriteFile(f.path, f.data); err != nil {
			return SampleFiles{}, err
		}
	}
	slog.Debug("sample report written", "sample", v.Sample, "dir", dir)
	return out, nil
}
