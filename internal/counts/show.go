package counts

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nipt/nipt/internal/genome"
)

// Region is a range of global bins [From, To) of a layout.
type Region struct{ From, To int }

// ParseRegion parses "chr21", "21" or "chr21:10000001-20000000" (1-based,
// inclusive, as samtools regions) into the bins of l that overlap it. ""
// means the whole genome.
func ParseRegion(l *genome.Layout, s string) (Region, error) {
	if s == "" {
		return Region{0, l.NumBins()}, nil
	}
	name, rng, hasRange := strings.Cut(s, ":")
	ch, ok := genome.ChromIndex(name)
	if !ok {
		return Region{}, fmt.Errorf("region %q: %q is not one of chr1–chr22, chrX, chrY", s, name)
	}
	r := Region{l.Offset[ch], l.Offset[ch+1]}
	if !hasRange {
		return r, nil
	}
	a, b, ok := strings.Cut(strings.ReplaceAll(rng, ",", ""), "-")
	start, err1 := strconv.Atoi(a)
	end, err2 := strconv.Atoi(b)
	n := l.Build.Lengths[ch]
	if !ok || err1 != nil || err2 != nil || start < 1 || end < start || start > n {
		return Region{}, fmt.Errorf("region %q: want chrom:start-end with 1 ≤ start ≤ end, start ≤ %d", s, n)
	}
	end = min(end, n)
	return Region{l.Bin(ch, start-1), l.Bin(ch, end-1) + 1}, nil
}

// WriteTSV writes the bins of r as tab-separated text with a header line:
// chrom, start, end (0-based half-open, as in BED), reads, and short for
// paired-end samples.
func (c *Counts) WriteTSV(w io.Writer, r Region) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	if c.Short != nil {
		bw.WriteString("chrom\tstart\tend\treads\tshort\n")
	} else {
		bw.WriteString("chrom\tstart\tend\treads\n")
	}
	var buf []byte
	for i := r.From; i < r.To; i++ {
		ch, start, end := c.Layout.Locate(i)
		buf = append(buf[:0], genome.ChromName(ch)...)
		buf = append(buf, '\t')
		buf = strconv.AppendInt(buf, int64(start), 10)
		buf = append(buf, '\t')
		buf = strconv.AppendInt(buf, int64(end), 10)
		buf = append(buf, '\t')
		buf = strconv.AppendUint(buf, uint64(c.Reads[i]), 10)
		if c.Short != nil {
			buf = append(buf, '\t')
			buf = strconv.AppendUint(buf, uint64(c.Short[i]), 10)
		}
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}
