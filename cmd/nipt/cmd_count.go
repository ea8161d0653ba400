package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nipt/nipt/internal/atomicfile"
	"github.com/nipt/nipt/internal/count"
	"github.com/nipt/nipt/internal/counts"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// countOptions are the flags of nipt count.
type countOptions struct {
	count.Options
	output string
}

func (o *countOptions) AddFlags(f *pflag.FlagSet) {
	d := count.DefaultOptions()
	f.StringVarP(&o.output, "output", "o", "", "counts file to write (default: input name with .counts, in the current directory)")
	f.IntVar(&o.BinSize, "bin-size", d.BinSize, "bin size in bp (merge to 50–100 kb later without recounting)")
	f.IntVar(&o.MinMAPQ, "min-mapq", d.MinMAPQ, "drop reads with mapping quality below this (0 keeps multi-mapping reads)")
	f.StringVar(&o.Dedup, "dedup", d.Dedup, "duplicates: flag (drop FLAG 0x400), position (same start/strand[/mate start]; sorted input), none")
	f.BoolVar(&o.ProperPairs, "proper-pairs", d.ProperPairs, "paired-end: count only proper pairs (FLAG 0x2)")
	f.IntVar(&o.ShortMax, "short-max", d.ShortMax, "paired-end: fragments shorter than this (bp) are counted as short")
	f.IntVar(&o.MaxFragment, "max-fragment", d.MaxFragment, "paired-end: drop fragments longer than this (bp); also the histogram's range")
	f.StringVar(&o.Build, "build", "", "require this genome build (hg19, hg38, chm13 or aliases); default: detect from the header")
	f.StringVar(&o.Sample, "sample", "", "sample ID (default: the @RG SM tag, else the input file name)")
	f.StringVar(&o.Run, "run", "", "sequencing run the sample was read in, for nipt analyze --batch-by run (default: the flowcells of the @RG PU tags)")
	f.StringVar(&o.Reference, "reference", "", "reference FASTA for CRAM input (passed to samtools view -T)")
}

func newCountCommand() *cobra.Command {
	o := &countOptions{Options: count.DefaultOptions()}
	cmd := &cobra.Command{
		Use:   "count SAMPLE.bam|SAMPLE.cram|SAMPLE.sam|- [-o SAMPLE.counts]",
		Short: "Count reads per genomic bin from an alignment file",
		Long: `count reads a BAM, CRAM or SAM file (or standard input, "-"; the format is
detected from the first bytes) and writes the per-bin read counts of
chr1–22, X and Y with a header recording the filters, the input's SHA-256
and a QC summary. Paired-end fragments are counted once, at their leftmost
position, with fragment lengths and short-fragment counts.

CRAM is decoded by samtools (it must be on PATH; give --reference if
samtools cannot find the reference itself).

Example: bwa mem ref.fa R1.fq R2.fq | samtools view -u - | nipt count - --sample S1 -o S1.counts

See docs/counting.md for every filter and its default.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Command = countCommandLine(cmd, args)
			return runCount(cmd.Context(), o, args)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runCount(ctx context.Context, o *countOptions, args []string) error {
	in := args[0]
	o.Threads = global.threads
	if err := o.Validate(); err != nil {
		return usageError{err}
	}
	out := o.output
	if out == "" {
		if in == "-" {
			return usageError{fmt.Errorf("reading standard input needs -o OUTPUT.counts")}
		}
		out = strings.TrimSuffix(filepath.Base(in), filepath.Ext(in)) + ".counts"
	}
	if in != "-" && countSameFile(in, out) {
		return usageError{fmt.Errorf("output %s would overwrite the input: choose another -o", out)}
	}
	// Create the output first so that an unwritable directory fails before
	// the (long) counting; nothing is left behind on failure.
	f, err := atomicfile.Create(out)
	if err != nil {
		return err
	}
	defer f.Abort()

	var r io.Reader = os.Stdin
	size := int64(-1)
	if in != "-" {
		fin, err := os.Open(in)
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", in, err)
		}
		defer fin.Close()
		if st, err := fin.Stat(); err == nil && st.Mode().IsRegular() {
			size = st.Size()
		}
		r = fin
	}
	if showProgress() {
		bar := progressbar.NewOptions64(size, progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionSetDescription("counting "+filepath.Base(in)), progressbar.OptionShowBytes(true),
			progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
		r = io.TeeReader(r, bar)
		defer bar.Finish()
	}
	start := time.Now()
	c, err := count.Count(ctx, r, in, o.Options)
	if err != nil {
		return fmt.Errorf("%s: %w", countInputName(in), err)
	}
	if err := counts.Write(f, c, o.Threads); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	if err := f.Commit(); err != nil {
		return err
	}
	qc := c.Header.QC
	runs := strings.Join(c.Header.Runs, "+")
	if runs == "" {
		runs = "unknown"
	}
	slog.Info("counted", "input", countInputName(in), "output", out, "sample", c.Header.Sample, "run", runs, "build", c.Header.Build,
		"records", qc.Records, "kept", qc.Kept, "duplicate_rate", fmt.Sprintf("%.4f", qc.DuplicateRate),
		"seconds", fmt.Sprintf("%.1f", time.Since(start).Seconds()))
	return nil
}

func countInputName(in string) string {
	if in == "-" {
		return "standard input"
	}
	return in
}

// countSameFile reports whether two paths name the same existing file.
func countSameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// countCommandLine reconstructs the command as given: command path, the flags
// that were set (in name order) and the arguments. Recorded in output
// headers; deterministic for the same invocation.
func countCommandLine(cmd *cobra.Command, args []string) string {
	parts := []string{cmd.CommandPath()}
	visit := func(f *pflag.Flag) {
		if f.Value.Type() == "bool" {
			parts = append(parts, "--"+f.Name+"="+f.Value.String())
		} else {
			parts = append(parts, "--"+f.Name, f.Value.String())
		}
	}
	cmd.Flags().Visit(visit)
	return strings.Join(append(parts, args...), " ")
}
