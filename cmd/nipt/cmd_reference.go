package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"

	"github.com/nipt/nipt/internal/refset"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// referenceOptions are the flags of nipt reference build/add/show.
type referenceOptions struct {
	annotation string
	blacklist  string
	output     string
	binSize    int
	seed       uint64
	minSamples int
	minReads   int64
	fine       bool
	// fineExplicit: --fine-correction was given on the command line.
	fineExplicit bool
	json         bool
	stdout       io.Writer
}

func (o *referenceOptions) addBuildFlags(f *pflag.FlagSet) {
	f.StringVar(&o.annotation, "annotation", "", "genome annotation (.bins from nipt annotate, or the genome.bins of a simulated cohort); required")
	f.StringVar(&o.blacklist, "blacklist", "", "BED file of regions to mask in addition to the annotation's blacklist")
	f.StringVarP(&o.output, "output", "o", "", "reference file to write (e.g. REF.niptref); REF.summary.txt is written next to it")
	f.IntVar(&o.binSize, "bin-size", 100_000, "analysis bin size in bases (a multiple of the counted bin size)")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the fetal-sex mixture model")
	f.IntVar(&o.minSamples, "min-samples", 20, "fewest usable euploid reference samples accepted")
	f.Int64Var(&o.minReads, "min-reads", 1_000_000, "reference samples with fewer reads are excluded")
	f.BoolVar(&o.fine, "fine-correction", true, "GC-correct and mask samples at their counted bin size before merging to --bin-size, when they are counted finer than it (the least common multiple of the samples' and the annotation's bin sizes); test samples must then be counted at that size or a divisor of it; =false corrects at --bin-size; given explicitly, a build that cannot use it fails (docs/method.md §4)")
}

func newReferenceCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "reference",
		Short: "Build, grow and inspect reference cohorts of euploid pregnancies",
		Long: `A reference (REF.niptref) holds everything nipt analyze needs besides the
sample: the genome annotation at the analysis bin size, bin masks, GC and PCA
normalisation models, within-sample reference bins, chromosome null
distributions, the chrX/chrY models and the fetal-fraction models, plus the
processed profiles of its samples (so that it can grow without the original
counts files). See docs/method.md and docs/format-reference.md.`,
	}
	cmd.AddCommand(newReferenceBuildCommand(), newReferenceAddCommand(), newReferenceShowCommand())
	return cmd
}

func newReferenceBuildCommand() *cobra.Command {
	o := &referenceOptions{}
	cmd := &cobra.Command{
		Use:   "build COUNTS... --annotation genome.bins -o REF.niptref",
		Short: "Build a reference from counts files of euploid pregnancies",
		Args:  minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.stdout = cmd.OutOrStdout()
			o.fineExplicit = cmd.Flags().Changed("fine-correction")
			return runReferenceBuild(cmd.Context(), o, args)
		},
	}
	o.addBuildFlags(cmd.Flags())
	return cmd
}

func newReferenceAddCommand() *cobra.Command {
	o := &referenceOptions{}
	cmd := &cobra.Command{
		Use:   "add REF COUNTS... -o REF2",
		Short: "Grow a reference with more samples (without the old counts files)",
		Args:  minArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.stdout = cmd.OutOrStdout()
			return runReferenceAdd(cmd.Context(), o, args)
		},
	}
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "reference file to write; REF2.summary.txt is written next to it")
	return cmd
}

func newReferenceShowCommand() *cobra.Command {
	o := &referenceOptions{}
	cmd := &cobra.Command{
		Use:   "show REF",
		Short: "Print a reference's quality summary",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.stdout = cmd.OutOrStdout()
			return runReferenceShow(cmd.Context(), o, args)
		},
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print the summary as JSON")
	return cmd
}

func runReferenceBuild(ctx context.Context, o *referenceOptions, args []string) error {
	if err := needFlags("nipt reference build",
		flagNeed{o.annotation, "--annotation GENOME.bins (the genome's GC, gaps and mappability per bin, made once with nipt annotate --fasta hg38.fa or from the GC and mappability tables; or the genome.bins of a cohort from nipt simulate)"},
		flagNeed{o.output, "-o REF.niptref"}); err != nil {
		return err
	}
	opt := refset.DefaultOptions()
	opt.BinSize, opt.Seed, opt.Threads = o.binSize, o.seed, global.threads
	opt.MinSamples, opt.MinReads = o.minSamples, o.minReads
	opt.FineCorrection = o.fine
	opt.RequireFine = o.fine && o.fineExplicit
	ref, err := refset.BuildFiles(ctx, o.annotation, o.blacklist, args, opt)
	if err != nil {
		return err
	}
	return writeReference(o, ref)
}

func runReferenceAdd(ctx context.Context, o *referenceOptions, args []string) error {
	if err := needFlags("nipt reference add", flagNeed{o.output, "-o REF2.niptref"}); err != nil {
		return err
	}
	ref, err := refset.ReadFile(args[0])
	if err != nil {
		return err
	}
	out, err := refset.Add(ctx, ref, args[1:], global.threads)
	if err != nil {
		return err
	}
	return writeReference(o, out)
}

// writeReference writes the reference and its summary next to it.
func writeReference(o *referenceOptions, ref *refset.Reference) error {
	sum, path, err := refset.WriteWithSummary(o.output, ref)
	if err != nil {
		return err
	}
	slog.Info("reference written", "path", o.output, "samples_used", sum.Used, "excluded", len(sum.Excluded), "components", sum.Components, "summary", path)
	for _, w := range sum.Warnings {
		slog.Warn("reference: "+w, "reference", o.output)
	}
	return nil
}

func runReferenceShow(_ context.Context, o *referenceOptions, args []string) error {
	ref, err := refset.ReadFile(args[0])
	if err != nil {
		return err
	}
	sum := ref.Summarize()
	if o.json {
		enc := json.NewEncoder(o.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	return sum.WriteText(o.stdout)
}
