package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/nipt/nipt/internal/evaluate"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// evaluateOptions are the flags of nipt evaluate.
type evaluateOptions struct {
	truth, summary, outDir string
	ci                     string
	confidence             float64
	minOverlap             float64
	minFF                  float64
	cnvMinSize             int
	cnvMinFF               float64
	ffBins                 string
	allowMissing           bool
	autosomesOnly          bool
	noPlots                bool
	stdout                 io.Writer // the table goes here
}

func (o *evaluateOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.truth, "truth", "", "truth table (truth.tsv from nipt simulate, or the lab's karyotype results)")
	f.StringVar(&o.summary, "summary", "", "summary.tsv written by nipt analyze")
	f.StringVarP(&o.outDir, "output", "o", "", "directory for evaluation.json and the PNG plots (created if missing); without it only the table is printed")
	f.StringVar(&o.ci, "ci", string(evaluate.ClopperPearson), "binomial confidence interval: clopper-pearson (exact) or wilson")
	f.Float64Var(&o.confidence, "confidence", 0.95, "confidence level of the intervals")
	f.Float64Var(&o.minOverlap, "min-overlap", 0.5, "reciprocal overlap a called CNV needs to match a true one")
	f.Float64Var(&o.minFF, "min-ff", 0.04, "also score every condition on samples with true FF at least this (negative: off)")
	f.IntVar(&o.cnvMinSize, "cnv-min-size", 5_000_000, "headline CNV recall: true CNVs of at least this many bases ...")
	f.Float64Var(&o.cnvMinFF, "cnv-min-ff", 0.08, "... in samples with true FF at least this")
	f.StringVar(&o.ffBins, "ff-bins", joinFloats(evaluate.DefaultFFBins), "inner edges of the fetal-fraction bins (fractions, comma-separated)")
	f.BoolVar(&o.allowMissing, "allow-missing", false, "count test samples missing from the summary as no-calls and ignore summary samples not in the truth, instead of failing")
	f.BoolVar(&o.autosomesOnly, "cnv-autosomes-only", false, "leave chrX/chrY CNVs out of the CNV evaluation (automatic when the summary's zX is NA throughout)")
	f.BoolVar(&o.noPlots, "no-plots", false, "with -o, write evaluation.json only")
}

func newEvaluateCommand() *cobra.Command {
	opts := &evaluateOptions{}
	cmd := &cobra.Command{
		Use:   "evaluate --truth truth.tsv --summary summary.tsv [-o OUTDIR]",
		Short: "Measure sensitivity, specificity, FF and CNV accuracy against a known truth",
		Long: `evaluate compares the calls of nipt analyze (summary.tsv) with the truth
(truth.tsv) for every test sample: sensitivity and specificity per condition
with 95% confidence intervals, ROC curves of the z-scores with AUC, fetal
fraction accuracy (female and male fetuses apart), CNV recall and false calls
per sample, the no-call rate, and the safety check that no maternal CNV on
chr13/18/21 became a trisomy call.

No-calls are excluded from the sensitivity and specificity denominators and
reported separately. A test sample of the truth missing from the summary, or a
summary sample missing from the truth, is an error unless --allow-missing.
See docs/evaluation.md.

Prints the table; with -o also writes OUTDIR/evaluation.json, roc.png,
ff_scatter.png and z21_vs_ff.png. Exit code 1 also when the safety check fails.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.stdout = cmd.OutOrStdout()
			return runEvaluate(cmd.Context(), opts, args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runEvaluate(_ context.Context, o *evaluateOptions, _ []string) error {
	if err := needFlags("nipt evaluate",
		flagNeed{o.truth, "--truth truth.tsv"},
		flagNeed{o.summary, "--summary summary.tsv (from nipt analyze)"}); err != nil {
		return err
	}
	ci, err := evaluate.ParseCIMethod(o.ci)
	if err != nil {
		return usageError{err}
	}
	bins, err := parseFloats(o.ffBins)
	if err != nil {
		return usageError{fmt.Errorf("--ff-bins: %w", err)}
	}
	rep, err := evaluate.EvaluateFiles(o.truth, o.summary, evaluate.Options{
		CI: ci, Confidence: o.confidence, MinOverlap: o.minOverlap, MinFF: o.minFF, FFBins: bins, CNVMinSize: o.cnvMinSize, CNVMinFF: o.cnvMinFF,
		AllowMissing: o.allowMissing, CNVAutosomesOnly: o.autosomesOnly,
	})
	if err != nil {
		return err
	}
	if err := rep.WriteText(o.stdout); err != nil {
		return fmt.Errorf("writing the table: %w", err)
	}
	if o.outDir != "" {
		var files []string
		if o.noPlots {
			files, err = rep.WriteJSONFile(o.outDir)
		} else {
			files, err = rep.WriteFiles(o.outDir)
		}
		if err != nil {
			return err
		}
		slog.Info("evaluation written", "dir", o.outDir, "files", strings.Join(files, ","))
	}
	if rep.Safety.Status == "fail" {
		return fmt.Errorf("safety check failed: %d trisomy call(s) caused by a maternal CNV (%s)", rep.Safety.Failures, strings.Join(rep.Safety.FailedSamples, ", "))
	}
	return nil
}

func parseFloats(s string) ([]float64, error) {
	out := []float64{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		v, err := strconv.ParseFloat(part, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", part)
		}
		out = append(out, v)
	}
	return out, nil
}

func joinFloats(v []float64) string {
	parts := make([]string, len(v))
	for i, f := range v {
		parts[i] = strconv.FormatFloat(f, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}
