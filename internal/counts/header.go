package counts

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nipt/nipt/internal/genome"
)

// Format identification written on the first line of every counts file.
const (
	FormatName    = "nipt-counts"
	FormatVersion = 1
)

// ValidRun checks a sequencing-run name: 1–100 characters of letters,
// digits and . _ : - (flowcell IDs and lab run names), so that it can
// stand in a table, a file name or a log line as it is.
func ValidRun(s string) error {
	if s == "" || len(s) > 100 {
		return fmt.Errorf("run name %q: want 1–100 characters", s)
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == ':', r == '-':
		default:
			return fmt.Errorf("run name %q: only letters, digits and . _ : - are allowed", s)
		}
	}
	return nil
}

// ValidSample reports whether id can serve as a sample ID: it names the
// sample's output directory (nipt analyze), so it must be a plain name —
// not empty, not "." or "..", without a path separator or NUL byte.
func ValidSample(id string) error {
	if id == "" || id == "." || id == ".." || strings.ContainsAny(id, "/\\") || strings.ContainsRune(id, 0) {
		return fmt.Errorf("sample ID %q cannot name an output directory: want a plain name without / or \\", id)
	}
	return nil
}

// RunKey names the batch of a sample read on runs: the runs sorted and
// joined by '+' (one run: its name), so that a sample topped up on two
// runs groups with the others of exactly those two, in any order; "" when
// there are none.
func RunKey(runs []string) string {
	return strings.Join(slices.Sorted(slices.Values(runs)), "+")
}

// Header describes a counts file: where the counts came from and how.
type Header struct {
	Format        string `json:"format"`
	FormatVersion int    `json:"format_version"`
	Tool          Tool   `json:"tool"`
	Sample        string `json:"sample"` // pseudonymous lab sample ID
	// Runs are the sequencing runs (flowcells) the sample's reads come
	// from, when known (nipt count --run, or the @RG PU tags): nipt
	// analyze --batch-by run groups samples by them. Optional; files
	// written before it was added have none.
	Runs    []string        `json:"runs,omitempty"`
	Build   string          `json:"build"` // canonical build name, e.g. "GRCh38"
	Contigs []genome.Contig `json:"contigs"`
	BinSize int             `json:"bin_size"`
	Paired  bool            `json:"paired"`
	Input   Input           `json:"input"`
	Filters Filters         `json:"filters"`
	QC      QC              `json:"qc"`
}

// Tool records what wrote the file.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Command string `json:"command"`
}

// Input identifies the alignment file that was counted.
type Input struct {
	Name   string `json:"name"`   // base name, or "-" for standard input
	Format string `json:"format"` // bam, cram, sam, or simulated
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"` // of the bytes read
}

// Filters are the read filters that were applied.
type Filters struct {
	MinMAPQ          int    `json:"min_mapq"`
	Dedup            string `json:"dedup"` // flag, position or none
	ProperPairsOnly  bool   `json:"proper_pairs_only"`
	ShortFragmentMax int    `json:"short_fragment_max"` // fragments < this many bp count as short
	MaxFragment      int    `json:"max_fragment"`       // longest insert size histogrammed and counted
}

// QC summarises what happened to the records of the input.
type QC struct {
	Records int64 `json:"records"` // alignment records read
	// Kept is the number of reads (single-end) or fragments (paired-end)
	// counted into bins of chr1–22, X, Y.
	Kept int64 `json:"kept"`
	// Dropped counts records not counted, by reason (e.g. "unmapped",
	// "secondary", "supplementary", "qcfail", "duplicate", "low_mapq",
	// "improper_pair", "mate" (second mate of a counted fragment)).
	Dropped map[string]int64 `json:"dropped"`
	// DuplicateRate is duplicates / (primary mapped reads or fragments considered).
	DuplicateRate float64 `json:"duplicate_rate"`
	// ChromReads holds the kept count per canonical chromosome.
	ChromReads map[string]int64 `json:"chrom_reads"`
	// OtherContigs holds reads that passed the filters on contigs outside
	// chr1–22, X, Y (chrM, alternates, decoys, unplaced), by contig name.
	OtherContigs map[string]int64 `json:"other_contigs"`
	// FragmentHistogram[i] counts kept fragments with insert size i bp
	// (paired-end only; i ≤ Filters.MaxFragment).
	FragmentHistogram []int64 `json:"fragment_histogram,omitempty"`
	// FragmentHistogramAutosomes is FragmentHistogram restricted to kept
	// fragments on chr1–22 (paired-end only). It does not depend on the
	// fetal sex (no chrY fragments, no X dosage), so fetal-fraction models
	// built on it do not leak fetal sex. Absent from files written before it
	// was added (same format version).
	FragmentHistogramAutosomes []int64 `json:"fragment_histogram_autosomes,omitempty"`
}

// Layout returns the bin layout that the header describes.
func (h *Header) Layout() (*genome.Layout, error) {
	return genome.LayoutFor(h.Build, h.Contigs, h.BinSize)
}

// Compatible reports an error when two headers cannot be analysed together
// (different build or bin size).
func (h *Header) Compatible(o *Header) error {
	if h.Build != o.Build {
		return fmt.Errorf("genome build %s differs from %s", o.Build, h.Build)
	}
	if h.BinSize != o.BinSize {
		return fmt.Errorf("bin size %d differs from %d", o.BinSize, h.BinSize)
	}
	return nil
}
