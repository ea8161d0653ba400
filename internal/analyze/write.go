package analyze

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/nipt/nipt/internal/atomicfile"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/result"
)

// Output file names inside OUTDIR/SAMPLE/.
const (
	ResultFile   = "result.json"
	BinsTSVFile  = "bins.tsv"
	BedGraphFile = "bins.bedgraph"
	SegmentsFile = "segments.bed"
	VCFFile      = "cnv.vcf"
	SummaryFile  = "summary.tsv"
)

// writeFile writes one output atomically through fill.
func writeFile(path string, fill func(w *bufio.Writer) error) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := fill(bw); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Commit()
}

// SampleDir checks that a sample ID can name a directory.
func SampleDir(outdir, id string) (string, error) {
	if err := counts.ValidSample(id); err != nil {
		return "", fmt.Errorf("%w: set a plain sample ID when counting (nipt count --sample)", err)
	}
	return filepath.Join(outdir, id), nil
}

// WriteSample writes a result view's per-sample files into dir (created if
// missing). v must be a disclosure view: the writers add nothing to it.
func WriteSample(dir string, v *result.Result, b *genome.Build) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	js, err := MarshalResult(v)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, ResultFile), js); err != nil {
		return err
	}
	for _, o := range []struct {
		name string
		fn   func(io.Writer, *result.Result, *genome.Build) error
	}{{BinsTSVFile, writeBinsTSV}, {BedGraphFile, writeBedGraph}, {SegmentsFile, writeSegments}, {VCFFile, writeVCF}} {
		fn := o.fn
		if err := writeFile(filepath.Join(dir, o.name), func(w *bufio.Writer) error { return fn(w, v, b) }); err != nil {
			return err
		}
	}
	return nil
}

// MarshalResult encodes a result as indented JSON with a final newline.
func MarshalResult(v *result.Result) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encoding the result of %s: %w", v.Sample, err)
	}
	return buf.Bytes(), nil
}

func ftoa(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "NA"
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// writeBinsTSV: chrom start end ratio z masked (ratio NA for masked bins).
func writeBinsTSV(w io.Writer, v *result.Result, _ *genome.Build) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("chrom\tstart\tend\tratio\tz\tmasked\n")
	for _, b := range v.Bins {
		ratio, z, m := ftoa(b.Ratio, 6), ftoa(b.Z, 4), "0"
		if b.Masked {
			ratio, z, m = "NA", "NA", "1"
		}
		fmt.Fprintf(bw, "%s\t%d\t%d\t%s\t%s\t%s\n", b.Chrom, b.Start, b.End, ratio, z, m)
	}
	return bw.Flush()
}

// writeBedGraph: log2 ratio of the unmasked bins.
func writeBedGraph(w io.Writer, v *result.Result, _ *genome.Build) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "track type=bedGraph name=\"%s log2 ratio\" description=\"nipt normalised bin dosage\"\n", v.Sample)
	for _, b := range v.Bins {
		if b.Masked || !(b.Ratio > 0) {
			continue
		}
		fmt.Fprintf(bw, "%s\t%d\t%d\t%s\n", b.Chrom, b.Start, b.End, ftoa(math.Log2(b.Ratio), 5))
	}
	return bw.Flush()
}

// writeSegments: BED3+3 (bins, log2 ratio, z).
func writeSegments(w io.Writer, v *result.Result, _ *genome.Build) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("#chrom\tstart\tend\tbins\tlog2_ratio\tz\n")
	for _, s := range v.Segments {
		fmt.Fprintf(bw, "%s\t%d\t%d\t%d\t%s\t%s\n", s.Chrom, s.Start, s.End, s.Bins, ftoa(math.Log2(math.Max(s.Ratio, 1e-9)), 5), ftoa(s.Z, 3))
	}
	return bw.Flush()
}

// writeVCF writes the CNV calls as VCF 4.4 symbolic <DEL>/<DUP> records.
// POS is the padding base before the event, SVLEN the event length and
// END = POS + SVLEN (VCF 4.4 §5.3); CN is the estimated copy number of the
// carrier (fetus or mother, see ORIGIN). A sex-blind view declares chr1–22
// only: it holds no chrX/chrY record, and its header names no sex
// chromosome either.
func writeVCF(w io.Writer, v *result.Result, b *genome.Build) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("##fileformat=VCFv4.4\n")
	fmt.Fprintf(bw, "##source=%s %s\n", v.Tool.Name, v.Tool.Version)
	fmt.Fprintf(bw, "##reference=%s\n", b.Name)
	blind := v.Disclosure == nil || v.Disclosure.SexBlind
	for _, c := range b.Contigs() {
		if blind && disclosure.IsSexChrom(c.Name) {
			continue
		}
		fmt.Fprintf(bw, "##contig=<ID=%s,length=%d>\n", c.Name, c.Length)
	}
	bw.WriteString(`##ALT=<ID=DEL,Description="Deletion (copy-number loss)">
##ALT=<ID=DUP,Description="Duplication (copy-number gain)">
##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">
##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant">
##INFO=<ID=SVLEN,Number=A,Type=Integer,Description="Length of the structural variant in bases">
##INFO=<ID=CN,Number=A,Type=Float,Description="Estimated copy number of the carrier (fetus or mother, see ORIGIN)">
##INFO=<ID=ORIGIN,Number=1,Type=String,Description="Likely carrier: fetal, maternal or uncertain">
##INFO=<ID=RATIO,Number=1,Type=Float,Description="Normalised dosage ratio of the segment (1 = as the reference)">
##INFO=<ID=Z,Number=1,Type=Float,Description="z-score of the segment dosage">
##INFO=<ID=BINS,Number=1,Type=Integer,Description="Usable bins in the segment">
##INFO=<ID=IMPRECISE,Number=0,Type=Flag,Description="Breakpoints known to the bin size only">
#CHROM	POS	ID	REF	ALT	QUAL	FILTER	INFO
`)
	for i, c := range v.CNVs {
		pos, svlen := c.Start, c.End-c.Start
		if pos < 1 { // no padding base before the first base of a contig
			pos, svlen = 1, c.End-1
		}
		alt, typ := "<DUP>", "DUP"
		if c.Type == "loss" {
			alt, typ = "<DEL>", "DEL"
		}
		fmt.Fprintf(bw, "%s\t%d\tcnv%d\tN\t%s\t.\tPASS\tSVTYPE=%s;END=%d;SVLEN=%d;CN=%s;ORIGIN=%s;RATIO=%s;Z=%s;BINS=%d;IMPRECISE\n",
			c.Chrom, pos, i+1, alt, typ, pos+svlen, svlen, ftoa(c.CopyNumber, 2), c.Origin, ftoa(c.Ratio, 4), ftoa(c.Z, 2), c.Bins)
	}
	return bw.Flush()
}
