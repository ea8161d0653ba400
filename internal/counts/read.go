package counts

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/nipt/nipt/internal/bam/bgzf"
	"github.com/nipt/nipt/internal/genome"
)

// ErrNotCounts is returned for input that is not a nipt counts file.
var ErrNotCounts = errors.New("not a nipt counts file")

// ReadFile reads a counts file from disk.
func ReadFile(path string) (*Counts, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ReadHeaderFile reads only the header of a counts file.
func ReadHeaderFile(path string) (*Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := decompress(f, 1)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer zr.Close()
	h, _, err := readHeader(bufio.NewReaderSize(zr, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}

// Read decodes a counts file.
func Read(r io.Reader) (*Counts, error) {
	zr, err := decompress(r, readThreads)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	br := bufio.NewReaderSize(zr, 1<<18)
	h, cols, err := readHeader(br)
	if err != nil {
		return nil, err
	}
	l, err := h.Layout()
	if err != nil {
		return nil, fmt.Errorf("bad header: %w", err)
	}
	c := &Counts{Header: *h, Layout: l, Reads: make([]uint32, l.NumBins())}
	if cols == 5 {
		c.Short = make([]uint32, l.NumBins())
	}
	if h.Paired != (cols == 5) {
		return nil, fmt.Errorf("header says paired=%v but the table has %d columns", h.Paired, cols)
	}
	if err := readRows(br, c); err != nil {
		return nil, err
	}
	return c, c.Validate()
}

// readThreads inflate the blocks of one counts file in parallel while the
// caller's goroutine parses rows; inflation and parsing take similar time
// (docs/counting.md), so two inflaters keep the parser busy.
const readThreads = 2

// decompress opens a counts file's BGZF stream with parallel inflation
// (package bgzf); plain gzip, which the format also allows readers to
// produce by recompressing, is inflated sequentially.
func decompress(r io.Reader, threads int) (io.ReadCloser, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	magic, _ := br.Peek(18)
	if bgzf.IsBGZF(magic) {
		return bgzf.NewReader(br, bgzf.Options{Threads: threads}), nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("%w: %v (counts files are gzip/BGZF-compressed; make one with nipt count)", ErrNotCounts, err)
	}
	return zr, nil
}

func readHeader(br *bufio.Reader) (*Header, int, error) {
	first, err := br.ReadBytes('\n')
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %v", ErrNotCounts, err)
	}
	var name string
	var ver int
	if _, err := fmt.Sscanf(string(first), "#%s\t%d\n", &name, &ver); err != nil || name != FormatName {
		return nil, 0, fmt.Errorf("%w: first line %q", ErrNotCounts, truncate(first))
	}
	if ver != FormatVersion {
		return nil, 0, fmt.Errorf("counts format version %d is not supported by this nipt (reads version %d): recount with this version of nipt", ver, FormatVersion)
	}
	js, err := br.ReadBytes('\n')
	if err != nil || len(js) < 2 || js[0] != '#' {
		return nil, 0, fmt.Errorf("truncated header: %v", err)
	}
	h := new(Header)
	if err := json.Unmarshal(js[1:], h); err != nil {
		return nil, 0, fmt.Errorf("bad JSON header: %w", err)
	}
	if h.Format != FormatName || h.FormatVersion != FormatVersion {
		return nil, 0, fmt.Errorf("JSON header names format %s v%d", h.Format, h.FormatVersion)
	}
	cl, err := br.ReadBytes('\n')
	if err != nil {
		return nil, 0, fmt.Errorf("truncated file: no column header")
	}
	switch string(bytes.TrimRight(cl, "\r\n")) {
	case "chrom\tstart\tend\treads":
		return h, 4, nil
	case "chrom\tstart\tend\treads\tshort":
		return h, 5, nil
	}
	return nil, 0, fmt.Errorf("unexpected column header %q", truncate(cl))
}

// readRows parses the bin rows. Every row's chrom, start and end are
// implied by the layout; one pass over the line checks them and parses the
// counts, without splitting the line into fields first.
func readRows(br *bufio.Reader, c *Counts) error {
	l := c.Layout
	cols := 4
	if c.Short != nil {
		cols = 5
	}
	for ch := 0; ch < genome.NumChroms; ch++ {
		name := genome.ChromName(ch)
		length := l.Build.Lengths[ch]
		for i := l.Offset[ch]; i < l.Offset[ch+1]; i++ {
			line, err := br.ReadSlice('\n')
			if err != nil {
				if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
					return fmt.Errorf("truncated file: ends before bin %d of %d (%s)", i, l.NumBins(), name)
				}
				return err
			}
			line = line[:len(line)-1]
			start := (i - l.Offset[ch]) * l.BinSize
			end := min(start+l.BinSize, length)
			n := len(name)
			if len(line) <= n || string(line[:n]) != name || line[n] != '\t' {
				return rowError(i, line, name, start, end)
			}
			s, p := number(line, n+1)
			e, p := number(line, p+1)
			if s != start || e != end {
				return rowError(i, line, name, start, end)
			}
			v, p := number(line, p+1)
			if v < 0 {
				return fmt.Errorf("bin %d: bad count in %s", i, truncate(line))
			}
			c.Reads[i] = uint32(v)
			if cols == 5 {
				if p >= len(line) {
					return fmt.Errorf("bin %d: want %d columns", i, cols)
				}
				if v, p = number(line, p+1); v < 0 {
					return fmt.Errorf("bin %d: bad short count in %s", i, truncate(line))
				}
				c.Short[i] = uint32(v)
			}
			if p != len(line) {
				return fmt.Errorf("bin %d: want %d columns", i, cols)
			}
		}
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return fmt.Errorf("trailing data after the last bin")
	}
	return nil
}

func rowError(i int, line []byte, name string, start, end int) error {
	return fmt.Errorf("bin %d: found %s, want %s:%d-%d (rows must follow the layout of the header)", i, truncate(line), name, start, end)
}

// number parses the decimal field of b that starts at p and ends at a tab
// or the end of b. It returns the value (-1 if the field is empty, not
// decimal or above 2^32-1) and the position of the end of the field.
func number(b []byte, p int) (int, int) {
	if p > len(b) {
		return -1, p
	}
	v, q := 0, p
	for ; q < len(b) && b[q] != '\t'; q++ {
		c := b[q]
		if c < '0' || c > '9' || q-p >= 10 {
			return -1, q
		}
		v = v*10 + int(c-'0')
	}
	if q == p || v > 1<<32-1 {
		return -1, q
	}
	return v, q
}

func truncate(b []byte) string {
	if len(b) > 40 {
		b = b[:40]
	}
	return strconv.Quote(string(b))
}
