package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os/user"
	"time"

	"github.com/nipt/nipt/internal/analyze"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/report"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// reportOptions are the flags of nipt report.
type reportOptions struct {
	profile      string
	outDir       string
	indication   string
	sexRequested bool
	sampleSheet  string
	requester    string
	date         string
	stdout       io.Writer
}

func (o *reportOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.profile, "profile", "", "lab profile (TOML, docs/lab-profile.md); default: fetal sex never disclosed, every condition screened (SCA without its type)")
	f.StringVarP(&o.outDir, "output", "o", "", "report directory (created if missing)")
	f.StringVar(&o.indication, "indication", "", `clinical indication for fetal sex determination, e.g. "Duchenne muscular dystrophy (X-linked)" (profiles with fetal_sex = "medical_indication")`)
	f.BoolVar(&o.sexRequested, "sex-requested", false, `the request asks for the fetal sex (profiles with fetal_sex = "on_request")`)
	f.StringVar(&o.sampleSheet, "sample-sheet", "", "the sample sheet given to nipt analyze: its sex_requested and indication columns replace --sex-requested and --indication per sample (docs/outputs.md)")
	f.StringVar(&o.requester, "requester", "", "user id recorded in the audit log when fetal sex is disclosed (default: the operating-system user)")
	f.StringVar(&o.date, "date", "", "report date YYYY-MM-DD printed on the reports (default: left to the signature block)")
}

func newReportCommand() *cobra.Command {
	opts := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "report --profile lab.toml ANALYSIS_DIR... -o REPORTDIR",
		Short: "Write clinical reports (HTML, PDF, FHIR) and batch/MultiQC summaries",
		Long: `report reads the output directories of nipt analyze (summary.tsv and
SAMPLE/result.json + bins.tsv; one directory per sequencing run) and writes,
after applying the lab profile's disclosure policy to every sample:

  REPORTDIR/SAMPLE/SAMPLE.report.html   self-contained clinical report
  REPORTDIR/SAMPLE/SAMPLE.report.pdf    the same report as PDF
  REPORTDIR/SAMPLE/SAMPLE.fhir.json     FHIR R4 Genomics Reporting bundle
  REPORTDIR/batch.html                  batch summary, z/FF plot, QC, trends
  REPORTDIR/nipt_general_stats_mqc.json MultiQC general statistics
  REPORTDIR/nipt_z21_ff_mqc.json        MultiQC z21/FF scatter plot

Fetal sex appears only where the profile allows it for this request
(--indication, --sex-requested); every such disclosure is written to the
profile's audit log. See docs/reports.md and docs/disclosure.md.`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.stdout = cmd.OutOrStdout()
			return runReport(cmd.Context(), opts, args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runReport(ctx context.Context, o *reportOptions, dirs []string) error {
	if err := needFlags("nipt report", flagNeed{o.outDir, "-o REPORTDIR"}); err != nil {
		return err
	}
	if o.date != "" {
		if _, err := time.Parse("2006-01-02", o.date); err != nil {
			return usageError{fmt.Errorf("--date %q is not YYYY-MM-DD", o.date)}
		}
	}
	p := disclosure.DefaultProfile()
	if o.profile != "" {
		var err error
		if p, err = disclosure.LoadProfile(o.profile); err != nil {
			return err
		}
	} else {
		slog.Warn("no --profile: using the default profile (fetal sex never disclosed; every condition screened; published, not laboratory, performance figures)")
	}
	req, reqs, err := testRequests(p, o.indication, o.sexRequested, o.requester, o.sampleSheet)
	if err != nil {
		return err
	}
	files, err := report.GenerateFiles(ctx, report.Options{Profile: p, Request: req, Requests: reqs, OutDir: o.outDir, ReportDate: o.date, Threads: global.threads}, dirs...)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(o.stdout, "%d report files written to %s; batch report: %s\n", len(files.All()), o.outDir, files.BatchHTML)
	return err
}

// testRequests builds the test request of every sample from the flags
// (--indication, --sex-requested, --requester) and, by sample, from the
// sample sheet's sex_requested and indication columns. The requester
// defaults to the operating-system user where fetal sex may be disclosed.
func testRequests(p *disclosure.Profile, indication string, sexRequested bool, requester, sampleSheet string) (disclosure.Request, map[string]disclosure.Request, error) {
	req := disclosure.Request{Indication: indication, SexRequested: sexRequested, Requester: requester}
	if req.Requester == "" && !p.SexBlind(req) {
		if u, err := user.Current(); err == nil {
			req.Requester = u.Username
		}
	}
	if sampleSheet == "" {
		return req, nil, nil
	}
	sheet, err := analyze.ReadSampleSheet(sampleSheet)
	if err != nil {
		return req, nil, err
	}
	reqs := make(map[string]disclosure.Request, len(sheet))
	for id, info := range sheet {
		reqs[id] = info.Request(req)
	}
	return req, reqs, nil
}
