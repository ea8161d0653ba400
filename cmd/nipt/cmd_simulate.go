package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/simulate"
	"github.com/nipt/nipt/internal/version"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// simulateCommon are the flags shared by simulate sample and cohort.
type simulateCommon struct {
	build         string
	annotation    string
	seed          uint64
	landscapeSeed uint64
	readLength    int
	dupRate       float64
	markDup       bool
	seq           bool
	tagOrigin     bool
	format        string
	params        string
	flags         *pflag.FlagSet
}

func (o *simulateCommon) AddFlags(f *pflag.FlagSet, defaultFormat string) {
	o.flags = f
	f.StringVar(&o.build, "build", "", "genome build of the built-in synthetic genome: hg38 (default), hg19, chm13; checked against --annotation")
	f.StringVar(&o.annotation, "annotation", "", "genome.bins annotation to simulate on (nipt annotate); default: the built-in synthetic genome at 10 kb")
	f.Uint64Var(&o.seed, "seed", 1, "random seed (same seed and inputs: byte-identical output)")
	f.Uint64Var(&o.landscapeSeed, "landscape-seed", 1, "seed of the simulated laboratory: synthetic genome, library bias, batch and fetal coverage profiles shared by all samples")
	f.IntVar(&o.readLength, "read-length", simulate.Default().ReadLength, "read (mate) length in bp")
	f.Float64Var(&o.dupRate, "dup-rate", simulate.Default().DupRate, "fraction of mapped reads that are PCR duplicates")
	f.BoolVar(&o.markDup, "mark-duplicates", true, "flag duplicates (0x400); false leaves them unflagged")
	f.BoolVar(&o.seq, "seq", false, "BAM: write random bases and qualities (realistic file size; slower)")
	f.BoolVar(&o.tagOrigin, "tag-origin", false, "BAM: tag every read XO:A:M (maternal) or XO:A:F (fetal), for testing")
	f.StringVar(&o.format, "format", defaultFormat, "output: bam (sorted, indexed) or counts (what nipt count would count in the BAM)")
	f.StringVar(&o.params, "params", "", "JSON file overriding model parameters (names as in truth.json \"params\"; the flags above take precedence)")
}

// setup loads the genome and builds the shared landscape.
func (o *simulateCommon) setup() (*simulate.Landscape, error) {
	var b *genome.Build
	if o.build != "" {
		var err error
		if b, err = genome.LookupBuild(o.build); err != nil {
			return nil, usageError{err}
		}
	}
	if o.format != simulate.FormatBAM && o.format != simulate.FormatCounts {
		return nil, usageError{fmt.Errorf("--format %q: want bam or counts", o.format)}
	}
	a, err := simulate.LoadGenome(o.annotation, b, o.landscapeSeed)
	if err != nil {
		return nil, err
	}
	p := simulate.Default()
	if o.params != "" {
		if p, err = simulate.LoadParams(o.params); err != nil {
			return nil, err
		}
	}
	// Explicit flags override the file; unset ones keep its values.
	if o.flags.Changed("read-length") || o.params == "" {
		p.ReadLength = o.readLength
	}
	if o.flags.Changed("dup-rate") || o.params == "" {
		p.DupRate = o.dupRate
	}
	if o.flags.Changed("mark-duplicates") || o.params == "" {
		p.MarkDuplicates = o.markDup
	}
	ls, err := simulate.NewLandscape(a, p, o.landscapeSeed)
	if err != nil {
		return nil, usageError{err}
	}
	return ls, nil
}

func (o *simulateCommon) bamOptions(threads int) simulate.BAMOptions {
	return simulate.BAMOptions{Seq: o.seq, TagOrigin: o.tagOrigin, Threads: threads,
		Command: "nipt " + strings.Join(os.Args[1:], " "), Version: version.Version}
}

func newSimulateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Simulate cfDNA sequencing of pregnancies (BAM or counts) with truth files",
		Long: `simulate generates maternal-plasma cfDNA sequencing data with known truth:
fetal fraction, fetal sex, trisomies (full or mosaic), sex-chromosome
aneuploidies, fetal and maternal CNVs, twins; GC bias, library and batch
effects, overdispersion, mappability/MAPQ, duplicates and fragment lengths.
See docs/simulation.md for the model, its parameters and what it leaves out.`,
	}
	cmd.AddCommand(newSimulateSampleCommand(), newSimulateCohortCommand())
	return cmd
}

// simulateSampleOptions are the flags of nipt simulate sample.
type simulateSampleOptions struct {
	simulateCommon
	out        string
	sample     string
	reads      int64
	ff         float64
	fetalSex   string
	trisomy    int
	mosaic     float64
	sca        string
	cnvs       []string
	paired     bool
	batch      string
	twins      bool
	twin2Sex   string
	twin2Share float64
}

func (o *simulateSampleOptions) AddFlags(f *pflag.FlagSet) {
	o.simulateCommon.AddFlags(f, "")
	f.StringVarP(&o.out, "output", "o", "", "output file (.bam, indexed as .bam.bai, or .counts)")
	f.StringVar(&o.sample, "sample", "", "sample ID (default: output file name without extension)")
	f.Int64Var(&o.reads, "reads", simulate.DefaultReads, "primary reads (single-end) or read pairs, duplicates and unmapped included")
	f.Float64Var(&o.ff, "ff", simulate.DefaultFF, "fetal fraction (0.08 = 8%)")
	f.StringVar(&o.fetalSex, "fetal-sex", "", "female or male (default female; implied by --sca)")
	f.IntVar(&o.trisomy, "trisomy", 0, "fetal trisomy of this autosome (e.g. 21); 0 = none")
	f.Float64Var(&o.mosaic, "mosaic", 1, "fraction of fetal (placental) cells carrying the trisomy")
	f.StringVar(&o.sca, "sca", "", "sex-chromosome aneuploidy: 45,X 47,XXY 47,XXX or 47,XYY")
	f.StringArrayVar(&o.cnvs, "cnv", nil, "CNV chrom:start-end:gain|loss:fetal|maternal|maternal_inherited, or chrom:start-end:gain|loss:tumour:FRACTION for a maternal tumour shedding FRACTION of the cfDNA (repeatable; 0-based half-open)")
	f.BoolVar(&o.paired, "paired", false, "paired-end reads (fragment lengths, short-fragment counts)")
	f.StringVar(&o.batch, "batch", simulate.DefaultBatch, "sequencing run label (samples of a run share batch effects)")
	f.BoolVar(&o.twins, "twins", false, "twin pregnancy: a second, euploid fetus")
	f.StringVar(&o.twin2Sex, "twin2-sex", "", "sex of the second twin (default: as --fetal-sex)")
	f.Float64Var(&o.twin2Share, "twin2-share", simulate.Default().Twin2Share, "share of the fetal fraction from the second twin")
}

func newSimulateSampleCommand() *cobra.Command {
	opts := &simulateSampleOptions{}
	cmd := &cobra.Command{
		Use:   "sample -o OUT.bam|OUT.counts [flags]",
		Short: "Simulate one sample",
		Long: `sample simulates one pregnancy into a coordinate-sorted, indexed BAM or a
counts file. The counts file equals what nipt count with its default flags
counts in the BAM of the same seed. The format follows the output name
(.counts → counts, anything else → bam) unless --format is given.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSimulateSample(cmd.Context(), opts, args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runSimulateSample(ctx context.Context, o *simulateSampleOptions, _ []string) error {
	if err := needFlags("nipt simulate sample", flagNeed{o.out, "-o OUT.bam or -o OUT.counts"}); err != nil {
		return err
	}
	if o.format == "" {
		o.format = simulate.FormatBAM
		if strings.HasSuffix(o.out, ".counts") {
			o.format = simulate.FormatCounts
		}
	}
	id := o.sample
	if id == "" {
		id = strings.TrimSuffix(filepath.Base(o.out), filepath.Ext(o.out))
	}
	s := simulate.Sample{ID: id, Role: simulate.RoleTest, FetalSex: strings.ToLower(o.fetalSex), FF: o.ff, Reads: o.reads,
		Paired: o.paired, Trisomy: o.trisomy, Mosaic: o.mosaic, SCA: o.sca, Twins: o.twins, Batch: o.batch,
		Seed: o.seed, Twin2Sex: strings.ToLower(o.twin2Sex), Twin2Share: o.twin2Share}
	for _, c := range o.cnvs {
		cnv, err := simulate.ParseCNV(c)
		if err != nil {
			return usageError{err}
		}
		s.CNVs = append(s.CNVs, cnv)
	}
	ls, err := o.setup()
	if err != nil {
		return err
	}
	if err := s.ResolveWithSeed(&ls.Params, o.seed); err != nil {
		return usageError{err}
	}
	r, err := ls.WriteSample(ctx, &s, o.out, o.format, o.bamOptions(global.threads))
	if err != nil {
		return err
	}
	slog.Info("simulated sample", "sample", s.ID, "output", o.out, "reads", r.Fragments, "kept", r.Kept)
	return nil
}

// simulateCohortOptions are the flags of nipt simulate cohort.
type simulateCohortOptions struct {
	simulateCommon
	spec      string
	preset    string
	extraRefs int
	out       string
}

func (o *simulateCohortOptions) AddFlags(f *pflag.FlagSet) {
	o.simulateCommon.AddFlags(f, simulate.FormatCounts)
	f.StringVar(&o.spec, "spec", "", "cohort spec TSV (columns: sample role fetal_sex ff reads paired trisomy mosaic sca cnvs twins batch seed; see docs/simulation.md)")
	f.StringVar(&o.preset, "preset", "", "built-in cohort instead of --spec: validation or demo")
	f.IntVar(&o.extraRefs, "extra-references", 0, "with --preset: add N more reference samples (XREF001…) drawn like the preset's; the preset's own samples do not change")
	f.StringVarP(&o.out, "output", "o", "", "output directory (created if missing)")
}

func newSimulateCohortCommand() *cobra.Command {
	opts := &simulateCohortOptions{}
	cmd := &cobra.Command{
		Use:   "cohort (--spec cohort.tsv | --preset validation|demo) -o DIR [flags]",
		Short: "Simulate a cohort of samples with truth files",
		Long: `cohort simulates every sample of a spec (or a built-in preset) into DIR:
one file per sample (SAMPLE.counts, or SAMPLE.bam + SAMPLE.bam.bai), the
resolved spec DIR/cohort.tsv, the truth DIR/truth.tsv and DIR/truth.json, and
the annotation used, DIR/genome.bins. Samples run in parallel (--threads);
the output does not depend on the number of threads.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSimulateCohort(cmd.Context(), opts, args)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runSimulateCohort(ctx context.Context, o *simulateCohortOptions, _ []string) error {
	if err := needFlags("nipt simulate cohort", flagNeed{o.out, "-o DIR"}); err != nil {
		return err
	}
	if (o.spec == "") == (o.preset == "") {
		return usageError{fmt.Errorf("give exactly one of --spec FILE or --preset validation|demo")}
	}
	var samples []simulate.Sample
	var err error
	if o.spec != "" {
		samples, err = simulate.ReadSpecFile(o.spec)
	} else if samples, err = simulate.Preset(o.preset, o.seed); err != nil {
		err = usageError{err}
	}
	if err != nil {
		return err
	}
	switch {
	case o.extraRefs < 0:
		return usageError{fmt.Errorf("--extra-references must be ≥ 0, got %d", o.extraRefs)}
	case o.extraRefs > 0 && o.preset == "":
		return usageError{fmt.Errorf("--extra-references needs --preset (a spec lists its samples itself)")}
	}
	samples = append(samples, simulate.ExtraReferences(o.seed, o.extraRefs)...)
	ls, err := o.setup()
	if err != nil {
		return err
	}
	opts := simulate.CohortOptions{Samples: samples, Dir: o.out, Format: o.format, Threads: global.threads, Seed: o.seed,
		Seq: o.seq, Tag: o.tagOrigin, Command: o.bamOptions(1).Command, Version: version.Version}
	if showProgress() {
		bar := progressbar.NewOptions(len(samples), progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionSetDescription("simulating"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
		opts.Progress = func(done, _ int) { bar.Set(done) }
		defer bar.Finish()
	}
	if _, err := ls.RunCohort(ctx, opts); err != nil {
		return err
	}
	slog.Info("simulated cohort", "samples", len(samples), "directory", o.out)
	return nil
}
