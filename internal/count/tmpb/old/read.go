package old

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

	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/counts"
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
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v (counts files are gzip/BGZF-compressed; make one with nipt count)", path, ErrNotCounts, err)
	}
	h, _, err := readHeader(bufio.NewReaderSize(zr, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}

// Read decodes a counts file.
func Read(r io.Reader) (*Counts, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v (counts files are gzip/BGZF-compressed; make one with nipt count)", ErrNotCounts, err)
	}
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

func readRows(br *bufio.Reader, c *Counts) error {
	l := c.Layout
	want := 4
	if c.Short != nil {
		want = 5
	}
	var fields [5][]byte
	for ch := 0; ch < genome.NumChroms; ch++ {
		name := []byte(genome.ChromName(ch))
		for i := l.Offset[ch]; i < l.Offset[ch+1]; i++ {
			line, err := br.ReadSlice('\n')
			if err != nil {
				if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
					return fmt.Errorf("truncated file: ends before bin %d of %d (%s)", i, l.NumBins(), name)
				}
				return err
			}
			line = line[:len(line)-1]
			n := 0
			for {
				j := bytes.IndexByte(line, '\t')
				if n == want {
					n++ // too many columns
					break
				}
				if j < 0 {
					fields[n] = line
					n++
					break
				}
				fields[n] = line[:j]
				line = line[j+1:]
				n++
			}
			if n != want {
				return fmt.Errorf("bin %d: want %d columns", i, want)
			}
			start := (i - l.Offset[ch]) * l.BinSize
			if !bytes.Equal(fields[0], name) || atoi(fields[1]) != start {
				return fmt.Errorf("bin %d: found %s:%s, want %s:%d (rows must follow the layout of the header)", i, fields[0], fields[1], name, start)
			}
			v := atoi(fields[3])
			if v < 0 {
				return fmt.Errorf("bin %d: bad count %q", i, fields[3])
			}
			c.Reads[i] = uint32(v)
			if want == 5 {
				s := atoi(fields[4])
				if s < 0 {
					return fmt.Errorf("bin %d: bad short count %q", i, fields[4])
				}
				c.Short[i] = uint32(s)
			}
		}
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return fmt.Errorf("trailing data after the last bin")
	}
	return nil
}

// atoi parses a non-negative decimal that fits in uint32, or returns -1.
func atoi(b []byte) int {
	if len(b) == 0 || len(b) > 10 {
		return -1
	}
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return -1
		}
		v = v*10 + int(c-'0')
	}
	if v > 1<<32-1 {
		return -1
	}
	return v
}

func truncate(b []byte) string {
	if len(b) > 40 {
		b = b[:40]
	}
	return strconv.Quote(string(b))
}

type Counts = counts.Counts
type Header = counts.Header

const FormatName, FormatVersion = counts.FormatName, counts.FormatVersion
