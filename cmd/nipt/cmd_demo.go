package main

import (
	"context"

	"github.com/nipt/nipt/internal/demo"
	"github.com/nipt/nipt/internal/version"
	"github.com/spf13/cobra"
)

type demoOptions struct {
	output string
	seed   uint64
}

func newDemoCommand() *cobra.Command {
	o := &demoOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole system on built-in simulated data (no external files)",
		Long: `nipt demo simulates a reference cohort (80 euploid pregnancies) and
ten test samples (euploid, T21, T18, T13, a sex-chromosome aneuploidy, a
fetal 5p deletion, a maternal duplication on chr21, a low fetal fraction, an
occult maternal tumour, twins with a T21 in one of them),
counts the two samples simulated as BAM with nipt count, builds the
reference, analyses the test samples under the default disclosure policy
(fetal sex never disclosed) screening every condition, writes the clinical
reports and scores the calls against the simulation truth. It needs no
download and no external file and takes under a minute on 2 cores.

A directory written by an earlier nipt demo is replaced; any other non-empty
directory is refused.`,
		Example: "  nipt demo\n  nipt demo -o /tmp/demo --seed 7",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDemo(cmd.Context(), cmd, o)
		},
	}
	cmd.Flags().StringVarP(&o.output, "output", "o", "nipt-demo", "output directory")
	cmd.Flags().Uint64Var(&o.seed, "seed", 1, "simulation seed")
	return cmd
}

func runDemo(ctx context.Context, cmd *cobra.Command, o *demoOptions) error {
	_, err := demo.Run(ctx, demo.Options{
		Dir: o.output, Seed: o.seed, Threads: global.threads, Version: version.Version, Out: cmd.OutOrStdout(),
	})
	return err
}
