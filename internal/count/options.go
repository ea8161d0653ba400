package count

import (
	"fmt"

	"github.com/nipt/nipt/internal/bam/bgzf"
	"github.com/nipt/nipt/internal/counts"
)

// Dedup modes.
const (
	DedupFlag     = "flag"     // drop records with FLAG 0x400 (marked upstream)
	DedupPosition = "position" // streaming removal by position (sorted input)
	DedupNone     = "none"     // keep duplicates
)

// Options control counting. DefaultOptions gives the documented defaults.
type Options struct {
	// BinSize in bases. 10 kb bins can be merged to any multiple later
	// without recounting.
	BinSize int
	// MinMAPQ drops records with MAPQ below it. 1 removes reads that the
	// aligner placed at random among equally good positions (BWA and
	// Bowtie2 give these MAPQ 0), as WisecondorX does.
	MinMAPQ int
	// Dedup is DedupFlag, DedupPosition or DedupNone.
	Dedup string
	// ProperPairs counts only pairs with FLAG 0x2 (proper pair).
	ProperPairs bool
	// ShortMax: fragments shorter than this many bases count as short.
	ShortMax int
	// MaxFragment: the longest fragment (|TLEN|) counted and histogrammed.
	MaxFragment int
	// Build, when set (a name or alias such as "hg38"), is required: input
	// aligned to another build is refused.
	Build string
	// Sample overrides the sample ID (else @RG SM, else the file name).
	Sample string
	// Run names the sequencing run the sample was read in (else the
	// flowcells of the @RG PU tags; see RunsFromUnits).
	Run string
	// Threads inflating BGZF blocks (and samtools threads for CRAM).
	Threads int
	// Reference FASTA for CRAM input.
	Reference string
	// Samtools executable for CRAM ("" = from PATH).
	Samtools string
	// Command is the command line recorded in the counts header.
	Command string
	// NewInflater overrides the BGZF inflater (benchmarks).
	NewInflater func() bgzf.Inflater
}

// Default values, defended in docs/counting.md.
const (
	DefaultBinSize = 10_000
	// DefaultMinMAPQ: MAPQ 0 marks multi-mapping reads (WisecondorX also
	// requires ≥ 1).
	DefaultMinMAPQ = 1
	// DefaultShortMax: 150 bp separates the fetal-enriched short fragments
	// from the maternal mode at 166 bp (Yu et al. 2014, PNAS 111:8583).
	DefaultShortMax = 150
	// DefaultMaxFragment: plasma DNA is mono- to tri-nucleosomal (~166,
	// ~330, ~500 bp; Lo et al. 2010); pairs spanning more than 1 kb are
	// chimeras or structural artefacts rather than cfDNA molecules.
	DefaultMaxFragment = 1000
)

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options {
	return Options{
		BinSize:     DefaultBinSize,
		MinMAPQ:     DefaultMinMAPQ,
		Dedup:       DedupFlag,
		ShortMax:    DefaultShortMax,
		MaxFragment: DefaultMaxFragment,
		Threads:     1,
	}
}

// Validate checks option values.
func (o *Options) Validate() error {
	switch o.Dedup {
	case DedupFlag, DedupPosition, DedupNone:
	default:
		return fmt.Errorf("unknown --dedup %q (flag, position or none)", o.Dedup)
	}
	// The limits of genome.NewLayout: 100 b to 100 Mb.
	if o.BinSize < 100 || o.BinSize > 100_000_000 {
		return fmt.Errorf("--bin-size %d out of range 100–100000000", o.BinSize)
	}
	if o.MinMAPQ < 0 || o.MinMAPQ > 255 {
		return fmt.Errorf("--min-mapq %d out of range 0–255", o.MinMAPQ)
	}
	if o.MaxFragment < 1 || o.MaxFragment > 100_000 {
		return fmt.Errorf("--max-fragment %d out of range 1–100000", o.MaxFragment)
	}
	if o.ShortMax < 1 || o.ShortMax > o.MaxFragment {
		return fmt.Errorf("--short-max %d out of range 1–%d (--max-fragment)", o.ShortMax, o.MaxFragment)
	}
	if o.Threads < 1 {
		return fmt.Errorf("threads must be at least 1, got %d", o.Threads)
	}
	if o.Run != "" {
		if err := counts.ValidRun(o.Run); err != nil {
			return fmt.Errorf("--run: %w", err)
		}
	}
	return nil
}
