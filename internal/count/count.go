package count

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nipt/nipt/internal/bam"
	"github.com/nipt/nipt/internal/bam/bgzf"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/version"
)

// ErrNoReads is returned for input with no records, or none that passed
// the filters.
var ErrNoReads = errors.New("no reads to count")

// Count reads the alignment stream r (BAM, SAM or CRAM, detected from its
// first bytes) and returns its per-bin counts. name is the input's path,
// or "-" for standard input; it names the input in the header and, failing
// --sample and @RG SM, the sample. Errors do not name the input: the caller
// adds it.
func Count(ctx context.Context, r io.Reader, name string, opt Options) (*counts.Counts, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	var want *genome.Build
	if opt.Build != "" {
		b, err := genome.LookupBuild(opt.Build)
		if err != nil {
			return nil, err
		}
		want = b
	}
	hr := newHashingReader(r)
	rd, err := bam.Open(hr, bam.Options{
		Threads: opt.Threads, Reference: opt.Reference, Samtools: opt.Samtools, NewInflater: opt.NewInflater,
	})
	if err != nil {
		return nil, explain(err)
	}
	defer rd.Close()
	h := rd.Header()
	if len(h.Refs) == 0 {
		return nil, errors.New("the header names no reference sequences (no @SQ lines): SAM input needs its header (samtools view -h), and BAM/CRAM must come from an aligner that writes one")
	}

	match, err := genome.Detect(h.Refs)
	if err != nil {
		return nil, fmt.Errorf("unsupported reference: %w", err)
	}
	if want != nil && match.Build != want {
		return nil, fmt.Errorf("aligned to %s, but --build %s was requested: pass --build %s (or none) for this file, or realign the reads to %s", match.Build.Name, opt.Build, match.Build.Name, want.Name)
	}
	sample, err := chooseSample(opt.Sample, h.Samples, name)
	if err != nil {
		return nil, err
	}
	if err := counts.ValidSample(sample); err != nil {
		return nil, fmt.Errorf("%w: pass --sample with a plain name", err)
	}
	if opt.Dedup == DedupPosition && h.SortOrder == "queryname" {
		return nil, fmt.Errorf("%w: the header says SO:queryname, but --dedup position needs coordinate order (sort with samtools sort, or use --dedup flag or none)", ErrUnsorted)
	}
	l, err := genome.NewLayout(match.Build, opt.BinSize)
	if err != nil {
		return nil, err
	}

	c := newCounter(&opt, l, match.Index, h.Refs)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for rd.Next() {
		if err := c.add(rd.Record()); err != nil {
			return nil, err
		}
		if c.records&0xffff == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	if err := rd.Err(); err != nil {
		return nil, explain(err)
	}
	size, sum, err := hr.finish()
	if err != nil {
		return nil, err
	}
	if c.records == 0 {
		return nil, fmt.Errorf("%w: the file has a header but no alignment records", ErrNoReads)
	}
	if c.kept == 0 {
		return nil, fmt.Errorf("%w: none of the %d records passed the filters (%s)%s", ErrNoReads, c.records, c.summary(), c.noReadsHint(&opt))
	}
	if base := c.records - c.dropped[reasonMate]; base > 0 && 2*c.dropped[reasonLowMAPQ] > base {
		slog.Warn(fmt.Sprintf("most reads have mapping quality below --min-mapq %d; if the aligner or simulator writes MAPQ 0 for uniquely placed reads, count with --min-mapq 0", opt.MinMAPQ),
			"input", name, "low_mapq", c.dropped[reasonLowMAPQ], "records", base)
	}
	if c.pairedRecs > 0 && c.singleRecs > 0 {
		slog.Warn("input mixes single-end and paired-end records; single-end reads are counted as reads, pairs as fragments",
			"input", name, "single", c.singleRecs, "paired", c.pairedRecs)
	}

	out := counts.New(l, c.pairedRecs > 0)
	copy(out.Reads, c.reads)
	if out.Short != nil {
		copy(out.Short, c.short)
	}
	hd := &out.Header
	hd.Tool = counts.Tool{Name: "nipt", Version: version.Version, Command: opt.Command}
	hd.Sample = sample
	hd.Runs = RunsFromUnits(h.Units)
	if opt.Run != "" {
		hd.Runs = []string{opt.Run}
	}
	hd.Input = counts.Input{Name: inputName(name), Format: rd.Format(), Bytes: size, SHA256: sum}
	hd.Filters = counts.Filters{
		MinMAPQ: opt.MinMAPQ, Dedup: opt.Dedup, ProperPairsOnly: opt.ProperPairs,
		ShortFragmentMax: opt.ShortMax, MaxFragment: opt.MaxFragment,
	}
	c.fillQC(out, h.Refs)
	return out, out.Validate()
}

// fillQC writes the QC block.
func (c *counter) fillQC(out *counts.Counts, refs []genome.Contig) {
	qc := &out.Header.QC
	qc.Records = c.records
	for i, n := range c.dropped {
		qc.Dropped[Reasons[i]] = n
	}
	for i, n := range c.other {
		if n > 0 {
			qc.OtherContigs[refs[i].Name] = n
		}
	}
	out.FillChromReads() // sets Kept from the bins
	dup := c.dropped[reasonDuplicate]
	if considered := dup + c.kept + c.dropped[reasonOtherContig] + c.dropped[reasonOutOfRange]; considered > 0 {
		qc.DuplicateRate = float64(dup) / float64(considered)
	}
	if out.Header.Paired {
		qc.FragmentHistogram = slices.Clone(c.hist)
		qc.FragmentHistogramAutosomes = slices.Clone(c.histAuto)
	}
}

// summary lists the non-zero drop reasons, largest first.
func (c *counter) summary() string {
	type kv struct {
		k string
		v int64
	}
	var s []kv
	for i, n := range c.dropped {
		if n > 0 {
			s = append(s, kv{Reasons[i], n})
		}
	}
	slices.SortStableFunc(s, func(a, b kv) int { return int(b.v - a.v) })
	var parts []string
	for _, x := range s {
		parts = append(parts, fmt.Sprintf("%s %d", x.k, x.v))
	}
	return strings.Join(parts, ", ")
}

// noReadsHint names the fix for a file none of whose records passed: the
// filter that dropped most records, first mates aside (a pair is decided
// at its first mate, so every second mate is "dropped").
func (c *counter) noReadsHint(opt *Options) string {
	top, n := reason(-1), int64(0)
	for i, v := range c.dropped {
		if reason(i) != reasonMate && v > n {
			top, n = reason(i), v
		}
	}
	switch top {
	case reasonUnmapped:
		return ": the reads are not aligned; align them first (e.g. bwa mem)"
	case reasonLowMAPQ:
		return fmt.Sprintf(": every aligned read has mapping quality below --min-mapq %d; an aligner or simulator that writes MAPQ 0 for all reads needs --min-mapq 0 (multi-mapping reads then count too)", opt.MinMAPQ)
	case reasonDuplicate:
		return ": the reads are duplicates (FLAG 0x400, or --dedup position); if the flags are wrong, count with --dedup none"
	case reasonImproperPair:
		return ": no pair is flagged proper (FLAG 0x2); count without --proper-pairs"
	case reasonLongFragment:
		return fmt.Sprintf(": every fragment is longer than --max-fragment %d; check the insert sizes (TLEN)", opt.MaxFragment)
	case reasonMateUnmapped, reasonMateOtherChrom:
		return ": no pair has both mates on one chromosome"
	case reasonOtherContig:
		return ": the reads lie on contigs other than chr1–22, X and Y"
	}
	return ""
}

// RunsFromUnits returns the distinct sequencing runs of a file's read
// groups: the flowcell of each @RG PU value — the part before the first
// '.', by the FLOWCELL.LANE.BARCODE convention (SAM spec §1.3; GATK) — in
// order of appearance. A sample read on several lanes of one flowcell is
// one run; one topped up on a second flowcell has two. Values that are
// not valid run names (counts.ValidRun) are left out.
func RunsFromUnits(units []string) []string {
	var out []string
	for _, u := range units {
		fc, _, _ := strings.Cut(u, ".")
		if counts.ValidRun(fc) == nil && !slices.Contains(out, fc) {
			out = append(out, fc)
		}
	}
	return out
}

// chooseSample picks the sample ID: --sample, else the single @RG SM, else
// the file name.
func chooseSample(flag string, samples []string, name string) (string, error) {
	switch {
	case flag != "":
		return flag, nil
	case len(samples) == 1:
		return samples[0], nil
	case len(samples) > 1:
		return "", fmt.Errorf("the header has read groups of %d samples (%s): pass --sample to name the one sample this file holds", len(samples), strings.Join(samples, ", "))
	}
	if s := sampleFromName(name); s != "" {
		return s, nil
	}
	return "", fmt.Errorf("cannot name the sample: the header has no @RG SM tag and the input is standard input: pass --sample")
}

func inputName(name string) string {
	if name == "-" || name == "" {
		return "-"
	}
	return filepath.Base(name)
}

// explain adds the fix to errors about damaged input.
func explain(err error) error {
	switch {
	case errors.Is(err, bgzf.ErrTruncated), errors.Is(err, bgzf.ErrNoEOF), errors.Is(err, bam.ErrTruncatedRecord):
		return fmt.Errorf("%w: the file is incomplete (cut short while copying or writing?): copy it again or re-create it", err)
	case errors.Is(err, bgzf.ErrCorrupt), errors.Is(err, bam.ErrCorruptRecord):
		return fmt.Errorf("%w: the file is damaged: copy it again or re-create it (samtools quickcheck -v checks BAM/CRAM files)", err)
	case errors.Is(err, bam.ErrBadSAM):
		return fmt.Errorf("%w: fix the SAM text or re-create it with samtools view -h", err)
	case errors.Is(err, bam.ErrUnknownFormat):
		return fmt.Errorf("%w: give an aligned BAM, CRAM or SAM file (align FASTQ reads first, e.g. bwa mem ... | samtools view -u - | nipt count -)", err)
	case errors.Is(err, bam.ErrEmpty):
		return fmt.Errorf("%w: give a non-empty BAM, CRAM or SAM file", err)
	}
	return err
}
