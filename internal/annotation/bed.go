package annotation

import (
	"fmt"
	"io"
	"os"

	"github.com/nipt/nipt/internal/genome"
)

// ReadBEDFile reads a BED file of regions (plain or gzip-compressed) and
// marks the bins of l they overlap; see ReadBED.
func ReadBEDFile(path string, l *genome.Layout, minFrac float64) ([]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := ReadBED(f, l, minFrac)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// ReadBED reads BED regions (chrom, 0-based start, end; further columns
// ignored; any order, overlaps allowed) and returns, per bin of l, whether
// the union of the regions covers more than minFrac of the bin. minFrac 0
// marks every bin a region overlaps. Contigs other than chr1–22, X, Y are
// skipped. Spec: UCSC Genome Browser "BED format".
func ReadBED(r io.Reader, l *genome.Layout, minFrac float64) ([]bool, error) {
	if !(minFrac >= 0 && minFrac < 1) {
		return nil, fmt.Errorf("minimum blacklist overlap %v is not in [0, 1)", minFrac)
	}
	br, err := maybeGunzip(r)
	if err != nil {
		return nil, err
	}
	var spans [genome.NumChroms][]span
	regions, primary := 0, 0
	var firstContig string
	sc := lineScanner{br: br, format: "a BED file"}
	for sc.next() {
		fields, lineNo := sc.fields, sc.line
		if len(fields) < 3 {
			return nil, fmt.Errorf("line %d: %d fields, want at least chrom, start and end", lineNo, len(fields))
		}
		start, ok1 := atoiPos(fields[1])
		end, ok2 := atoiPos(fields[2])
		if !ok1 || !ok2 || end < start {
			return nil, fmt.Errorf("line %d: bad coordinates %s %s (0-based start ≤ end)", lineNo, truncate(fields[1]), truncate(fields[2]))
		}
		regions++
		if firstContig == "" {
			firstContig = string(fields[0])
		}
		c, ok := genome.ChromIndex(string(fields[0]))
		if !ok {
			continue
		}
		primary++
		if L := l.Build.Lengths[c]; start >= L {
			return nil, fmt.Errorf("line %d: region %s:%d-%d starts beyond the end of %s (%d b in %s): is the BED file for another genome build?",
				lineNo, fields[0], start, end, genome.ChromName(c), L, l.Build.Name)
		}
		spans[c] = append(spans[c], span{start, end})
	}
	if sc.err != nil {
		return nil, sc.err
	}
	if regions == 0 {
		return nil, fmt.Errorf("no regions: not a BED file")
	}
	if primary == 0 {
		return nil, fmt.Errorf("none of its %d regions lies on chr1–22, X or Y (the first names contig %s): is it for another genome, or are its contig names not chr1/1, chrX/X?", regions, truncate([]byte(firstContig)))
	}
	out := make([]bool, l.NumBins())
	for c := range spans {
		cov := coverage(spans[c], l.ChromBins(c), l.BinSize, l.Build.Lengths[c])
		for i, v := range cov {
			out[l.Offset[c]+i] = v > minFrac
		}
	}
	return out, nil
}
