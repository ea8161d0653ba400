package counts

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/biogo/hts/bgzf"
	"github.com/nipt/nipt/internal/atomicfile"
	"github.com/nipt/nipt/internal/genome"
)

// writeLevel is the DEFLATE level of counts files. On a 10 kb counts table
// level 4 compresses 7× faster than the gzip default (6) for 8% more bytes
// (1.55 vs 1.43 MB, 70 vs 540 ms on the development machine), and the
// result inflates no slower.
const writeLevel = 4

// Write encodes c as a BGZF-compressed counts file to w. threads sets the
// number of concurrent compressors.
func Write(w io.Writer, c *Counts, threads int) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if threads < 1 {
		threads = 1
	}
	bz, err := bgzf.NewWriterLevel(w, writeLevel, threads)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(bz, 1<<16)
	if err := encode(bw, c); err != nil {
		bz.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		bz.Close()
		return err
	}
	return bz.Close()
}

// WriteFile writes c to path atomically (no partial file on failure).
func WriteFile(path string, c *Counts, threads int) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := Write(f, c, threads); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Commit()
}

func encode(bw *bufio.Writer, c *Counts) error {
	h := c.Header
	h.Format, h.FormatVersion = FormatName, FormatVersion
	js, err := json.Marshal(&h)
	if err != nil {
		return err
	}
	fmt.Fprintf(bw, "#%s\t%d\n#", FormatName, FormatVersion)
	bw.Write(js)
	bw.WriteByte('\n')
	if c.Short != nil {
		bw.WriteString("chrom\tstart\tend\treads\tshort\n")
	} else {
		bw.WriteString("chrom\tstart\tend\treads\n")
	}
	l := c.Layout
	var buf []byte
	for ch := 0; ch < genome.NumChroms; ch++ {
		name := genome.ChromName(ch)
		n := l.Build.Lengths[ch]
		for i := l.Offset[ch]; i < l.Offset[ch+1]; i++ {
			start := (i - l.Offset[ch]) * l.BinSize
			end := min(start+l.BinSize, n)
			buf = append(buf[:0], name...)
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
	}
	return nil
}
