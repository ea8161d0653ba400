package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/nipt/nipt/internal/analyze"
	"github.com/nipt/nipt/internal/atomicfile"
	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/count"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/evaluate"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/refset"
	"github.com/nipt/nipt/internal/report"
	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/server"
	"github.com/nipt/nipt/internal/simulate"
	"github.com/nipt/nipt/internal/store"
)

// Options configure a demo run.
type Options struct {
	Dir     string // output directory, e.g. ./nipt-demo
	Seed    uint64 // simulation seed
	Threads int
	Version string    // tool version recorded in the files
	Out     io.Writer // where the closing summary is printed
}

// marker identifies a directory written by the demo, which a later run may
// overwrite; any other non-empty directory is refused.
const marker = ".nipt-demo"

// Paths are the main files a demo run writes.
type Paths struct {
	Cohort, Counts, Reference, Analysis, Reports, Evaluation string
	Summary, BatchReport                                     string
	// Review is the review application's database with the batch
	// imported (no accounts: nipt review user add makes one).
	Review        string
	SampleReports []string
}

// Run executes the demo and returns where its outputs are.
func Run(ctx context.Context, o Options) (*Paths, error) {
	if o.Threads < 1 {
		o.Threads = 1
	}
	if err := prepareDir(o.Dir); err != nil {
		return nil, err
	}
	p := &Paths{
		Cohort:     filepath.Join(o.Dir, "cohort"),
		Counts:     filepath.Join(o.Dir, "counts"),
		Reference:  filepath.Join(o.Dir, "reference", "demo.niptref"),
		Analysis:   filepath.Join(o.Dir, "analysis"),
		Reports:    filepath.Join(o.Dir, "reports"),
		Evaluation: filepath.Join(o.Dir, "evaluation"),
	}
	for _, d := range []string{p.Counts, filepath.Dir(p.Reference)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("creating %s: %w", d, err)
		}
	}
	start := time.Now()

	// 1. Simulate the cohort: references as counts, two test samples as BAM.
	samples, err := simulate.Preset("demo", o.Seed)
	if err != nil {
		return nil, err
	}
	ann, err := simulate.LoadGenome("", genome.GRCh38, o.Seed)
	if err != nil {
		return nil, err
	}
	ls, err := simulate.NewLandscape(ann, simulate.Default(), o.Seed)
	if err != nil {
		return nil, err
	}
	res, err := ls.RunCohort(ctx, simulate.CohortOptions{
		Samples: samples, Dir: p.Cohort, Format: simulate.FormatCounts, Threads: o.Threads,
		Seed: o.Seed, Command: "nipt demo", Version: o.Version,
	})
	if err != nil {
		return nil, fmt.Errorf("simulating the demo cohort: %w", err)
	}
	slog.Info("demo: simulated cohort", "samples", len(samples), "dir", p.Cohort, "seconds", secs(start))

	// 2. Count the BAM samples with the real counter; counts-format samples
	// are used as simulated.
	var refCounts, testCounts []string
	sheet := map[string]analyze.SampleInfo{} // what the laboratory knows: twin pregnancies
	for i, s := range samples {
		if s.Twins {
			sheet[s.ID] = analyze.SampleInfo{Pregnancy: result.PregnancyTwin}
		}
		path := filepath.Join(p.Cohort, res[i].File)
		if filepath.Ext(path) == ".bam" {
			t := time.Now()
			if path, err = countBAM(ctx, path, p.Counts, o); err != nil {
				return nil, err
			}
			slog.Info("demo: counted BAM", "sample", s.ID, "seconds", secs(t))
		}
		if s.Role == simulate.RoleReference {
			refCounts = append(refCounts, path)
		} else {
			testCounts = append(testCounts, path)
		}
	}

	// 3. Reference.
	t := time.Now()
	opt := refset.DefaultOptions()
	opt.Seed, opt.Threads = o.Seed, o.Threads
	ref, err := refset.BuildFiles(ctx, filepath.Join(p.Cohort, simulate.GenomeBins), "", refCounts, opt)
	if err != nil {
		return nil, fmt.Errorf("building the demo reference: %w", err)
	}
	if _, _, err := refset.WriteWithSummary(p.Reference, ref); err != nil {
		return nil, err
	}
	slog.Info("demo: built reference", "samples", len(refCounts), "seconds", secs(t))

	// 4. Analyse under the default disclosure policy (fetal sex never
	// disclosed, SCAs reported without their type), screening every
	// condition including rare trisomies and CNVs.
	t = time.Now()
	prof := disclosure.DemoProfile()
	req := disclosure.Request{Requester: "nipt-demo"}
	if _, err := analyze.Run(ctx, ref, testCounts, p.Analysis, analyze.RunOptions{
		Config: call.DefaultConfig(), Profile: prof, Request: req, Threads: o.Threads, Samples: sheet,
	}); err != nil {
		return nil, fmt.Errorf("analysing the demo samples: %w", err)
	}
	p.Summary = filepath.Join(p.Analysis, analyze.SummaryFile)
	slog.Info("demo: analysed", "samples", len(testCounts), "seconds", secs(t))

	// 5. Reports.
	t = time.Now()
	files, err := report.GenerateFiles(ctx, report.Options{Profile: prof, Request: req, OutDir: p.Reports, Threads: o.Threads}, p.Analysis)
	if err != nil {
		return nil, fmt.Errorf("writing the demo reports: %w", err)
	}
	p.BatchReport = files.BatchHTML
	for _, s := range files.Samples {
		p.SampleReports = append(p.SampleReports, s.HTML, s.PDF)
	}
	slog.Info("demo: wrote reports", "files", len(files.All()), "seconds", secs(t))

	// 6. The batch in the review application's database (the time of
	// the import is recorded: the one file of the demo that differs
	// between runs).
	p.Review = filepath.Join(o.Dir, "review.db")
	st, err := store.Open(p.Review)
	if err != nil {
		return nil, err
	}
	_, err = server.Import(ctx, st, p.Analysis, server.ImportOptions{Profile: server.DefaultProfile(), Batch: "demo", User: "nipt-demo"})
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("importing the demo batch for review: %w", err)
	}

	// 7. Score the calls against the simulation truth.
	rep, err := evaluate.EvaluateFiles(filepath.Join(p.Cohort, simulate.TruthTSV), p.Summary, evaluate.Options{})
	if err != nil {
		return nil, fmt.Errorf("scoring the demo: %w", err)
	}
	if _, err := rep.WriteFiles(p.Evaluation); err != nil {
		return nil, err
	}
	if o.Out != nil {
		if err := printSummary(o.Out, p, filepath.Join(p.Cohort, simulate.TruthTSV), time.Since(start)); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// countBAM counts one simulated BAM into dir with nipt count's defaults.
func countBAM(ctx context.Context, bamPath, dir string, o Options) (string, error) {
	f, err := os.Open(bamPath)
	if err != nil {
		return "", err
	}
	defer f.Close()
	opt := count.DefaultOptions()
	opt.Threads = o.Threads
	c, err := count.Count(ctx, f, bamPath, opt)
	if err != nil {
		return "", fmt.Errorf("%s: %w", bamPath, err)
	}
	c.Header.Tool.Version = o.Version
	c.Header.Tool.Command = "nipt demo (nipt count " + filepath.Base(bamPath) + ")"
	out := filepath.Join(dir, c.Header.Sample+".counts")
	if err := counts.WriteFile(out, c, o.Threads); err != nil {
		return "", err
	}
	return out, nil
}

// prepareDir creates dir, or accepts an earlier demo's directory; it
// refuses to write into any other non-empty directory.
func prepareDir(dir string) error {
	if dir == "" {
		return errors.New("no output directory given")
	}
	ents, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("creating %s: %w", dir, err)
		}
	case err != nil:
		return fmt.Errorf("cannot use %s: %w", dir, err)
	case len(ents) > 0:
		if _, err := os.Stat(filepath.Join(dir, marker)); err != nil {
			return fmt.Errorf("%s exists and was not written by nipt demo: choose another directory with -o or remove it", dir)
		}
		// An earlier demo: start afresh so no stale file survives.
		for _, e := range ents {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("clearing the earlier demo in %s: %w", dir, err)
			}
		}
	}
	return atomicfile.WriteFile(filepath.Join(dir, marker), []byte("written by nipt demo; a later nipt demo may replace this directory\n"))
}

func secs(t time.Time) string { return fmt.Sprintf("%.1f", time.Since(t).Seconds()) }
