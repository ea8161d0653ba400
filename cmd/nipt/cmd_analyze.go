package main

import (
	"context"
	"fmt"
	"log/slog"
	"os/user"

	"github.com/nipt/nipt/internal/analyze"
	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/refset"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// analyzeOptions are the flags of nipt analyze.
type analyzeOptions struct {
	reference    string
	output       string
	qcConfig     string
	profile      string
	indication   string
	sexRequested bool
	requester    string
	sexBlind     bool
	batchBy      string
	sampleSheet  string
}

func (o *analyzeOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.reference, "reference", "", "reference cohort (nipt reference build); required")
	f.StringVarP(&o.output, "output", "o", "", "output directory (created if missing)")
	f.StringVar(&o.qcConfig, "qc-config", "", "QC thresholds and calling parameters (TOML, docs/qc.md); default: the documented defaults")
	f.StringVar(&o.profile, "profile", "", "lab profile (TOML, docs/lab-profile.md); default: fetal sex never disclosed, every condition screened (SCA without its type)")
	f.StringVar(&o.indication, "indication", "", "clinical indication for fetal sex determination (profiles with fetal_sex = \"medical_indication\")")
	f.BoolVar(&o.sexRequested, "sex-requested", false, "the request asks for the fetal sex (profiles with fetal_sex = \"on_request\")")
	f.StringVar(&o.requester, "requester", "", "user id recorded in the audit log when fetal sex is disclosed (default: the operating-system user)")
	f.StringVar(&o.batchBy, "batch-by", analyze.BatchByAuto, "batches for the batch QC and correction: run (the counts files' sequencing runs), none (all files one batch), or auto (by run when every file names its run, else none)")
	f.StringVar(&o.sampleSheet, "sample-sheet", "", "tab-separated sample sheet (docs/outputs.md): columns sample, pregnancy (singleton or twin: twin pregnancies are called per fetus), sex_requested and indication (per-sample requests, replacing --sex-requested and --indication)")
	f.BoolVar(&o.sexBlind, "sex-blind", false, "compute fetal fraction, calls and QC from sex-agnostic information only, whatever the profile allows")
}

func newAnalyzeCommand() *cobra.Command {
	o := &analyzeOptions{}
	cmd := &cobra.Command{
		Use:   "analyze --reference REF COUNTS... -o OUTDIR",
		Short: "Screen samples for trisomies, sex-chromosome aneuploidies and CNVs",
		Long: `analyze normalises each counts file against the reference and writes, from the
view the lab profile's disclosure policy allows:

  OUTDIR/SAMPLE/result.json     the result (docs/result.schema.json)
  OUTDIR/SAMPLE/bins.tsv        chrom start end ratio z masked
  OUTDIR/SAMPLE/bins.bedgraph   log2 ratio per bin
  OUTDIR/SAMPLE/segments.bed    segmentation (bins, log2 ratio, z)
  OUTDIR/SAMPLE/cnv.vcf         CNV calls (VCF 4.4, <DEL>/<DUP>)
  OUTDIR/summary.tsv            one row per sample
  OUTDIR/batch_qc.tsv           per batch and autosome: the batch's offset and its correction

A batch is a sequencing run: with --batch-by auto (the default) the files
are grouped by the run their counts header names (nipt count --run, or the
BAM's @RG PU flowcell), or form one batch when a file names none. From 20
samples on, each autosome's offset shared by a batch is estimated from its
own samples and removed before the trisomy calls (batch_offsets in the QC
config; "warn" only reports it).

When the profile may not disclose fetal sex for the request (the default),
the analysis is sex-blind: fetal fraction, calls, no-calls and QC use no
chrX/chrY information. See docs/method.md and docs/qc.md.`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAnalyze(cmd.Context(), o, args)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runAnalyze(ctx context.Context, o *analyzeOptions, args []string) error {
	if err := needFlags("nipt analyze",
		flagNeed{o.reference, "--reference REF.niptref (from nipt reference build)"},
		flagNeed{o.output, "-o OUTDIR"}); err != nil {
		return err
	}
	switch o.batchBy {
	case analyze.BatchByAuto, analyze.BatchByRun, analyze.BatchByNone:
	default:
		return usageError{fmt.Errorf("--batch-by %q: want auto, run or none", o.batchBy)}
	}
	cfg := call.DefaultConfig()
	if o.qcConfig != "" {
		var err error
		if cfg, err = call.LoadConfig(o.qcConfig); err != nil {
			return err
		}
	}
	prof := disclosure.DefaultProfile()
	if o.profile != "" {
		var err error
		if prof, err = disclosure.LoadProfile(o.profile); err != nil {
			return err
		}
	} else {
		slog.Warn("no --profile: using the default profile (fetal sex never disclosed; every condition screened: T21, T18, T13, sex-chromosome aneuploidy without its type, rare autosomal trisomies, CNVs); a laboratory sets its own panel and policy in a lab profile (docs/lab-profile.md)")
	}
	req := disclosure.Request{Indication: o.indication, SexRequested: o.sexRequested, Requester: o.requester}
	if req.Requester == "" {
		if u, err := user.Current(); err == nil {
			req.Requester = u.Username
		}
	}
	var sheet map[string]analyze.SampleInfo
	if o.sampleSheet != "" {
		var err error
		if sheet, err = analyze.ReadSampleSheet(o.sampleSheet); err != nil {
			return err
		}
	}
	ref, err := refset.ReadModelFile(o.reference)
	if err != nil {
		return err
	}
	_, err = analyze.Run(ctx, ref, args, o.output, analyze.RunOptions{
		Config: cfg, Profile: prof, Request: req, SexBlind: o.sexBlind, Threads: global.threads, BatchBy: o.batchBy,
		Samples: sheet,
	})
	return err
}
