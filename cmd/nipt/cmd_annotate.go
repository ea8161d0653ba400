package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"strings"
	"time"

	"github.com/nipt/nipt/internal/annotation"
	"github.com/nipt/nipt/internal/genome"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// annotateOptions are the flags of nipt annotate.
type annotateOptions struct {
	fasta, build        string
	binSize             int
	gcWig, gcBedGraph   string
	mapWig, mapBedGraph string
	blacklist           string
	blacklistMinOverlap float64
	synthetic           bool
	seed                uint64
	seedSet             bool // --seed given (even with the default value)
	output              string
}

func (o *annotateOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.fasta, "fasta", "", "reference FASTA (uncompressed, with a samtools faidx .fai index): GC and N fraction per bin")
	f.StringVar(&o.build, "build", "", "genome build (GRCh37/hg19, GRCh38/hg38, T2T-CHM13/chm13); detected from the .fai with --fasta")
	f.IntVar(&o.binSize, "bin-size", 10000, "bin size in bases (use the counts' bin size or a divisor of it)")
	f.StringVar(&o.gcWig, "gc-wig", "", "per-bin GC fractions as wig (fixedStep/variableStep) or bedGraph, e.g. gc_hg38_10kb.wig; -1 = unknown")
	f.StringVar(&o.gcBedGraph, "gc-bedgraph", "", "same as --gc-wig, for bedGraph files")
	f.StringVar(&o.mapWig, "map-wig", "", "per-bin mappability (0..1) as wig or bedGraph; -1 = unknown")
	f.StringVar(&o.mapBedGraph, "map-bedgraph", "", "same as --map-wig, for bedGraph files")
	f.StringVar(&o.blacklist, "blacklist", "", "BED file of problematic regions (e.g. the ENCODE blacklist): bins overlapping them are flagged")
	f.Float64Var(&o.blacklistMinOverlap, "blacklist-min-overlap", 0, "flag a bin only when the blacklist covers more than this fraction of it (0 = any overlap)")
	f.BoolVar(&o.synthetic, "synthetic", false, "write the built-in synthetic genome of --build (no input files; for simulation and demos)")
	f.Uint64Var(&o.seed, "seed", 1, "random seed of --synthetic")
	f.StringVarP(&o.output, "output", "o", "", "output .bins file")
}

func newAnnotateCommand() *cobra.Command {
	opts := &annotateOptions{}
	cmd := &cobra.Command{
		Use:   "annotate (--fasta FA | --gc-wig WIG --build B | --synthetic --build B) [--map-wig WIG] [--blacklist BED] -o OUT.bins",
		Short: "Describe the reference genome per bin: GC, gaps, mappability, blacklist",
		Long: `annotate writes a .bins file (docs/format-annotation.md) with, for every bin
of chr1–22, X, Y: the GC fraction of its called bases, the fraction of N
(assembly gap), the mean mappability and a blacklist flag. Later steps (nipt
reference build, nipt analyze) use it for GC correction and bin filtering,
and coarsen it when their bins are a multiple of its bin size.

GC and N come from one of:
  --fasta hg38.fa          counted from the sequence (needs hg38.fa.fai:
                           samtools faidx hg38.fa); the build is detected
  --gc-wig gc.wig --build  a per-bin GC table (wig or bedGraph, -1 unknown);
                           bins without a value count as gap
  --synthetic --build      the built-in synthetic genome (seeded)

Mappability comes from --map-wig/--map-bedgraph (else unknown, or synthetic
with --synthetic); --blacklist flags bins overlapping BED regions.

Example with the ichorCNA hg38 tables:
  nipt annotate --build hg38 --bin-size 10000 --gc-wig gc_hg38_10kb.wig \
      --map-wig map_hg38_10kb.wig -o hg38.bins`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.seedSet = cmd.Flags().Changed("seed")
			return runAnnotate(cmd.Context(), opts, args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runAnnotate(_ context.Context, o *annotateOptions, _ []string) error {
	if err := needFlags("nipt annotate", flagNeed{o.output, "-o OUT.bins"}); err != nil {
		return err
	}
	gc, err := oneOf("--gc-wig", o.gcWig, "--gc-bedgraph", o.gcBedGraph)
	if err != nil {
		return err
	}
	mp, err := oneOf("--map-wig", o.mapWig, "--map-bedgraph", o.mapBedGraph)
	if err != nil {
		return err
	}
	opts := annotation.Options{
		FASTA: o.fasta, GCTrack: gc, Synthetic: o.synthetic, Seed: o.seed,
		BinSize: o.binSize, MapTrack: mp, Blacklist: o.blacklist,
		BlacklistMinFrac: o.blacklistMinOverlap, Threads: global.threads,
	}
	if o.build != "" {
		if opts.Build, err = genome.LookupBuild(o.build); err != nil {
			return usageError{fmt.Errorf("--build: %w", err)}
		}
	}
	sources := 0
	for _, s := range []bool{o.fasta != "", gc != "", o.synthetic} {
		if s {
			sources++
		}
	}
	if sources != 1 {
		return usageError{fmt.Errorf("give exactly one of --fasta, --gc-wig/--gc-bedgraph or --synthetic (see --help)")}
	}
	if o.fasta == "" && opts.Build == nil {
		return usageError{fmt.Errorf("--build is needed without --fasta (GRCh37/hg19, GRCh38/hg38, T2T-CHM13/chm13)")}
	}
	if o.seedSet && !o.synthetic {
		return usageError{fmt.Errorf("--seed only applies to --synthetic")}
	}
	start := time.Now()
	a, err := annotation.Make(opts)
	if err != nil {
		return err
	}
	a.Tool.Command = "nipt " + strings.Join(os.Args[1:], " ")
	if err := annotation.WriteFile(o.output, a); err != nil {
		return err
	}
	logSummary(a, o.output, time.Since(start))
	return nil
}

// oneOf returns whichever of two alternative flags was given.
func oneOf(nameA, a, nameB, b string) (string, error) {
	if a != "" && b != "" {
		return "", usageError{fmt.Errorf("give %s or %s, not both", nameA, nameB)}
	}
	return a + b, nil
}

func logSummary(a *annotation.Annotation, path string, d time.Duration) {
	var gcSum, gcN, gap, mapKnown float64
	black := 0
	for i := range a.GC {
		if !math.IsNaN(a.GC[i]) {
			gcSum += a.GC[i]
			gcN++
		}
		gap += a.N[i]
		if !math.IsNaN(a.Map[i]) {
			mapKnown++
		}
		if a.Blacklist[i] {
			black++
		}
	}
	n := float64(a.Layout.NumBins())
	slog.Info("annotation written", "file", path, "build", a.Layout.Build.Name, "bin_size", a.Layout.BinSize,
		"bins", a.Layout.NumBins(), "mean_gc", fmt.Sprintf("%.4f", gcSum/gcN), "gap_fraction", fmt.Sprintf("%.4f", gap/n),
		"map_known", fmt.Sprintf("%.4f", mapKnown/n), "blacklisted_bins", black, "seconds", fmt.Sprintf("%.2f", d.Seconds()))
}
