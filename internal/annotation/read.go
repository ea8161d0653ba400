package annotation

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"github.com/nipt/nipt/internal/genome"
)

// ReadFile reads a .bins file from disk.
func ReadFile(path string) (*Annotation, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading annotation: %w (make one with nipt annotate)", err)
	}
	defer f.Close()
	a, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// ReadHeaderFile reads only the header of a .bins file (cheap: to check the
// build and bin size before loading).
func ReadHeaderFile(path string) (*Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading annotation: %w (make one with nipt annotate)", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v (make one with nipt annotate)", path, ErrNotAnnotation, err)
	}
	h, err := readHeader(bufio.NewReaderSize(zr, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}

// Read decodes a .bins file.
func Read(r io.Reader) (*Annotation, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v (.bins files are gzip/BGZF-compressed; make one with nipt annotate)", ErrNotAnnotation, err)
	}
	return decode(bufio.NewReaderSize(zr, 1<<18))
}

// decode parses the decompressed text of a .bins file.
func decode(br *bufio.Reader) (*Annotation, error) {
	h, err := readHeader(br)
	if err != nil {
		return nil, err
	}
	l, err := h.Layout()
	if err != nil {
		return nil, fmt.Errorf("bad header: %w", err)
	}
	a := New(l)
	a.Source, a.Tool = h.Sources, h.Tool
	if err := readRows(br, a); err != nil {
		return nil, err
	}
	return a, a.Validate()
}

func readHeader(br *bufio.Reader) (*Header, error) {
	first, err := br.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotAnnotation, err)
	}
	name, ver, ok := bytes.Cut(bytes.TrimRight(first, "\r\n"), []byte("\t"))
	if !ok || string(name) != "#"+FormatName {
		return nil, fmt.Errorf("%w: first line %s", ErrNotAnnotation, truncate(first))
	}
	if v, err := strconv.Atoi(string(ver)); err != nil || v != FormatVersion {
		return nil, fmt.Errorf("annotation format version %s is not supported by this nipt (reads version %d): re-run nipt annotate with this version", truncate(ver), FormatVersion)
	}
	js, err := br.ReadBytes('\n')
	if err != nil || len(js) < 2 || js[0] != '#' {
		return nil, fmt.Errorf("truncated header: no JSON line")
	}
	h := new(Header)
	if err := json.Unmarshal(js[1:], h); err != nil {
		return nil, fmt.Errorf("bad JSON header: %w", err)
	}
	if h.Format != FormatName || h.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("JSON header names format %q v%d, want %s v%d", h.Format, h.FormatVersion, FormatName, FormatVersion)
	}
	cl, err := br.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("truncated file: no column header")
	}
	if string(bytes.TrimRight(cl, "\r\n")) != columns {
		return nil, fmt.Errorf("unexpected column header %s, want %q", truncate(cl), columns)
	}
	return h, nil
}

func readRows(br *bufio.Reader, a *Annotation) error {
	l := a.Layout
	var f [8][]byte
	for i := 0; i < l.NumBins(); i++ {
		c, s, e := l.Locate(i)
		line, err := br.ReadSlice('\n')
		if err != nil {
			if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("truncated file: ends before bin %d of %d (%s:%d): re-run nipt annotate", i, l.NumBins(), genome.ChromName(c), s)
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				return fmt.Errorf("bin %d: line too long", i)
			}
			return err
		}
		n := 0
		for rest := bytes.TrimRight(line, "\r\n"); n < len(f); n++ {
			j := bytes.IndexByte(rest, '\t')
			if j < 0 {
				f[n] = rest
				n++
				break
			}
			f[n], rest = rest[:j], rest[j+1:]
		}
		if n != 7 {
			return fmt.Errorf("bin %d: want 7 tab-separated columns (%s)", i, columns)
		}
		if string(f[0]) != chromNames[c] || string(f[1]) != strconv.Itoa(s) || string(f[2]) != strconv.Itoa(e) {
			return fmt.Errorf("bin %d: found %s:%s-%s, want %s:%d-%d (rows must follow the layout of the header)", i, f[0], f[1], f[2], genome.ChromName(c), s, e)
		}
		for k, dst := range []*float64{&a.GC[i], &a.N[i], &a.Map[i]} {
			v, err := parseColumn(f[3+k], k != 1)
			if err != nil {
				return fmt.Errorf("bin %d (%s:%d) column %s: %w", i, genome.ChromName(c), s, []string{"gc", "n_frac", "map"}[k], err)
			}
			*dst = v
		}
		switch string(f[6]) {
		case "0":
		case "1":
			a.Blacklist[i] = true
		default:
			return fmt.Errorf("bin %d (%s:%d) column blacklist: %s is not 0 or 1", i, genome.ChromName(c), s, truncate(f[6]))
		}
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return fmt.Errorf("trailing data after the last bin")
	}
	return nil
}

// parseColumn reads a fraction in [0, 1], or NA (NaN) where allowed.
func parseColumn(b []byte, naOK bool) (float64, error) {
	if string(b) == "NA" && naOK {
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || !(v >= 0 && v <= 1) {
		return 0, fmt.Errorf("%s is not a fraction in [0, 1]", truncate(b))
	}
	return v, nil
}

// For returns the annotation for layout l: a itself when the build and bin
// size agree, a coarsened when l's bin size is a multiple of a's, and an
// error naming the fix otherwise.
func (a *Annotation) For(l *genome.Layout) (*Annotation, error) {
	if a.Layout.Build == l.Build && a.Layout.BinSize == l.BinSize {
		return a, nil
	}
	if a.Layout.Build == l.Build && l.BinSize > a.Layout.BinSize && l.BinSize%a.Layout.BinSize == 0 {
		return a.Coarsen(l, l.BinSize/a.Layout.BinSize)
	}
	return nil, a.CheckCompatible(l)
}

// LoadFor reads the .bins file at path and returns its annotation for layout
// l (coarsened when l's bins are a multiple of the file's). Later steps call
// it so that one fine-grained annotation serves every bin size.
func LoadFor(path string, l *genome.Layout) (*Annotation, error) {
	h, err := ReadHeaderFile(path)
	if err != nil {
		return nil, err
	}
	if b, err := genome.LookupBuild(h.Build); err == nil && b != l.Build {
		return nil, fmt.Errorf("%s: annotation is for genome build %s but the data is %s: make one with nipt annotate --build %s", path, b.Name, l.Build.Name, l.Build.Name)
	}
	a, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	out, err := a.For(l)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}
