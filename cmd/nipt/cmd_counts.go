package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/nipt/nipt/internal/counts"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func newCountsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "counts",
		Short: "Inspect counts files",
	}
	cmd.AddCommand(newCountsShowCommand())
	return cmd
}

// countsShowOptions are the flags of nipt counts show.
type countsShowOptions struct {
	qc     bool
	header bool
	region string
}

func (o *countsShowOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.qc, "qc", false, "print the QC block as indented JSON instead of the bins")
	f.BoolVar(&o.header, "header", false, "print the whole header (tool, input, filters, QC) as indented JSON instead of the bins")
	f.StringVar(&o.region, "region", "", "only bins overlapping this region: chr21, 21 or chr21:10000001-20000000 (1-based, inclusive)")
}

func newCountsShowCommand() *cobra.Command {
	o := &countsShowOptions{}
	cmd := &cobra.Command{
		Use:   "show SAMPLE.counts",
		Short: "Print a counts file's bins as TSV, or its header/QC as JSON",
		Long: `show prints the bins of a counts file as tab-separated text with a header
line (chrom, start, end, reads, and short for paired-end samples; start and
end are 0-based half-open as in BED), or with --qc / --header the QC block
or the whole header as indented JSON. The counts hold chrX and chrY bins:
treat the output as raw data, not as a report (see docs/disclosure.md).`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCountsShow(cmd.Context(), o, args, cmd.OutOrStdout())
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runCountsShow(_ context.Context, o *countsShowOptions, args []string, w io.Writer) error {
	if o.qc && o.header {
		return usageError{fmt.Errorf("--qc and --header are alternatives: give one")}
	}
	if o.qc || o.header {
		h, err := counts.ReadHeaderFile(args[0])
		if err != nil {
			return err
		}
		var v any = h
		if o.qc {
			v = h.QC
		}
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	c, err := counts.ReadFile(args[0])
	if err != nil {
		return err
	}
	r, err := counts.ParseRegion(c.Layout, o.region)
	if err != nil {
		return usageError{err}
	}
	return c.WriteTSV(w, r)
}
