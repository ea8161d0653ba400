package annotation

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"github.com/nipt/nipt/internal/genome"
)

// Track is a signal (GC fraction, mappability) averaged into the bins of a
// layout.
type Track struct {
	// Value is the mean of the known values overlapping each bin, weighted
	// by the overlap in bases; NaN when no known value overlaps the bin.
	Value []float64
	// Known is the fraction of each bin's bases covered by known values.
	Known []float64
}

// Unknown values in wig and bedGraph input: the ichorCNA/HMMcopy tables write
// -1 for bins without data; "NA" and "NaN" are accepted too.
const unknownValue = -1

// binner accumulates intervals of a track into bins.
type binner struct {
	l       *genome.Layout
	sum, w  []float64
	lastEnd [genome.NumChroms]int // end of the previous interval of each chromosome
	seen    [genome.NumChroms]bool
}

func newBinner(l *genome.Layout) *binner {
	n := l.NumBins()
	return &binner{l: l, sum: make([]float64, n), w: make([]float64, n)}
}

// add records value v (NaN = unknown) on [start, end) of chromosome c.
// Intervals of a chromosome must come sorted and not overlap.
func (b *binner) add(c, start, end int, v float64) error {
	L := b.l.Build.Lengths[c]
	name := genome.ChromName(c)
	switch {
	case start < 0 || end <= start:
		return fmt.Errorf("bad interval %s:%d-%d (start must be ≥ 0 and end > start)", name, start, end)
	case start >= L:
		return fmt.Errorf("interval %s:%d-%d starts beyond the end of %s (%d b in %s): is the track for another genome build?", name, start, end, name, L, b.l.Build.Name)
	case b.seen[c] && start < b.lastEnd[c]:
		return fmt.Errorf("interval %s:%d-%d overlaps or precedes the previous one (ending at %d): sort the track by position (e.g. sort -k1,1 -k2,2n for bedGraph)", name, start, end, b.lastEnd[c])
	}
	b.seen[c], b.lastEnd[c] = true, end
	if math.IsNaN(v) {
		return nil
	}
	end = min(end, L) // tables of fixed-size bins run past the chromosome end
	r := b.l.BinSize
	for bin := start / r; bin*r < end; bin++ {
		lo, hi := max(start, bin*r), min(end, (bin+1)*r)
		ov := float64(hi - lo)
		g := b.l.Offset[c] + bin
		b.sum[g] += v * ov
		b.w[g] += ov
	}
	return nil
}

func (b *binner) track() *Track {
	l := b.l
	t := &Track{Value: make([]float64, l.NumBins()), Known: make([]float64, l.NumBins())}
	for i := range t.Value {
		_, s, e := l.Locate(i)
		t.Known[i] = min(b.w[i]/float64(e-s), 1)
		if b.w[i] > 0 {
			t.Value[i] = min(max(b.sum[i]/b.w[i], 0), 1)
		} else {
			t.Value[i] = math.NaN()
		}
	}
	return t
}

// parseValue reads a track value: a fraction in [0, 1], or unknown (-1, NA,
// NaN) as NaN.
func parseValue(f []byte) (float64, error) {
	switch string(f) {
	case "NA", "NaN", "nan", "-1", "-1.0", ".":
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(string(f), 64)
	if err != nil {
		return 0, fmt.Errorf("value %q is not a number", truncate(f))
	}
	if v == unknownValue {
		return math.NaN(), nil
	}
	if !(v >= 0 && v <= 1) {
		if v > 1 && v <= 100 {
			return 0, fmt.Errorf("value %v is not a fraction in [0, 1] (percentages? divide by 100)", v)
		}
		return 0, fmt.Errorf("value %v is not a fraction in [0, 1] or -1 (unknown)", v)
	}
	return v, nil
}

// ReadTrackFile reads a wig (fixedStep/variableStep) or bedGraph file, plain
// or gzip-compressed, into the bins of l. The format is recognised from the
// content.
func ReadTrackFile(path string, l *genome.Layout) (*Track, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := ReadTrack(f, l)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// ReadTrack reads a wig or bedGraph track (recognised from the content;
// gzip-compressed input is decompressed) into the bins of l.
func ReadTrack(r io.Reader, l *genome.Layout) (*Track, error) {
	br, err := maybeGunzip(r)
	if err != nil {
		return nil, err
	}
	return readTrack(br, l)
}

// maybeGunzip returns a buffered reader of r, decompressing gzip input.
func maybeGunzip(r io.Reader) (*bufio.Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("bad gzip data: %w", err)
		}
		return bufio.NewReaderSize(zr, 1<<16), nil
	}
	return br, nil
}

// wigState is the current declaration line of a wig file.
type wigState struct {
	kind        int // 0 none/bedGraph, wigFixed, wigVariable
	chrom       int // canonical index, or -1 for a skipped contig
	pos, step   int // fixedStep: 0-based start of the next value
	span        int
	declaration int // line number of the declaration
}

const (
	wigFixed = iota + 1
	wigVariable
)

// readTrack parses wig and bedGraph lines. Declaration lines (fixedStep,
// variableStep) switch to wig data lines; other data lines are bedGraph
// ("chrom start end value", 0-based half-open). Spec: UCSC Genome Browser
// "Wiggle Track Format" and "BedGraph Track Format".
func readTrack(br *bufio.Reader, l *genome.Layout) (*Track, error) {
	b := newBinner(l)
	st := wigState{chrom: -1}
	data := 0
	sc := lineScanner{br: br, format: "a wig or bedGraph file"}
	for sc.next() {
		fields, lineNo := sc.fields, sc.line
		if perr := st.line(b, fields, lineNo); perr != nil {
			return nil, fmt.Errorf("line %d: %w", lineNo, perr)
		}
		data++
	}
	if sc.err != nil {
		return nil, sc.err
	}
	if data == 0 {
		return nil, fmt.Errorf("no data lines: not a wig or bedGraph track")
	}
	return b.track(), nil
}

func (st *wigState) line(b *binner, f [][]byte, lineNo int) error {
	switch string(f[0]) {
	case "fixedStep", "variableStep":
		return st.declare(f, lineNo)
	}
	switch st.kind {
	case wigFixed:
		if len(f) != 1 {
			return fmt.Errorf("fixedStep data line has %d fields, want 1 value", len(f))
		}
		v, err := parseValue(f[0])
		if err != nil {
			return err
		}
		start := st.pos
		st.pos += st.step
		if st.chrom < 0 {
			return nil
		}
		return b.add(st.chrom, start, start+st.span, v)
	case wigVariable:
		if len(f) != 2 {
			return fmt.Errorf("variableStep data line has %d fields, want position and value", len(f))
		}
		pos, ok := atoiPos(f[0])
		if !ok || pos < 1 {
			return fmt.Errorf("bad variableStep position %q (1-based integer)", truncate(f[0]))
		}
		v, err := parseValue(f[1])
		if err != nil {
			return err
		}
		if st.chrom < 0 {
			return nil
		}
		if pos-1 < st.pos {
			return fmt.Errorf("variableStep position %d is not after the previous one: sort the positions (declared at line %d)", pos, st.declaration)
		}
		st.pos = pos - 1 + st.span
		return b.add(st.chrom, pos-1, pos-1+st.span, v)
	}
	// bedGraph
	if len(f) != 4 {
		return fmt.Errorf("%d fields: want a bedGraph line (chrom start end value) or a wig fixedStep/variableStep declaration", len(f))
	}
	start, ok1 := atoiPos(f[1])
	end, ok2 := atoiPos(f[2])
	if !ok1 || !ok2 {
		return fmt.Errorf("bad bedGraph coordinates %q %q (0-based integers)", truncate(f[1]), truncate(f[2]))
	}
	v, err := parseValue(f[3])
	if err != nil {
		return err
	}
	c, ok := genome.ChromIndex(string(f[0]))
	if !ok {
		return nil // chrM, alternates, decoys: not binned
	}
	return b.add(c, start, end, v)
}

// declare parses a fixedStep/variableStep declaration line.
func (st *wigState) declare(f [][]byte, lineNo int) error {
	fixed := string(f[0]) == "fixedStep"
	*st = wigState{kind: wigVariable, chrom: -1, span: 1, declaration: lineNo}
	if fixed {
		st.kind = wigFixed
	}
	start, step, chrom := -1, -1, ""
	for _, kv := range f[1:] {
		k, v, ok := bytes.Cut(kv, []byte("="))
		if !ok {
			return fmt.Errorf("bad declaration field %q (want key=value)", truncate(kv))
		}
		n, isNum := atoiPos(v)
		switch string(k) {
		case "chrom":
			chrom = string(v)
		case "start", "step", "span":
			if !isNum || n < 1 {
				return fmt.Errorf("bad %s=%q (positive integer)", k, truncate(v))
			}
			switch string(k) {
			case "start":
				start = n
			case "step":
				step = n
			default:
				st.span = n
			}
		default:
			return fmt.Errorf("unknown declaration field %q", truncate(k))
		}
	}
	if chrom == "" {
		return fmt.Errorf("%s without chrom=", f[0])
	}
	if c, ok := genome.ChromIndex(chrom); ok {
		st.chrom = c
	}
	if fixed {
		if start < 1 || step < 1 {
			return fmt.Errorf("fixedStep needs start= and step= (1-based)")
		}
		if st.span > step {
			return fmt.Errorf("fixedStep span %d is larger than step %d: intervals would overlap", st.span, step)
		}
		st.pos, st.step = start-1, step
	} else if start >= 0 || step >= 0 {
		return fmt.Errorf("variableStep takes no start= or step=")
	}
	return nil
}

// lineScanner yields the data lines of a UCSC text track (BED, bedGraph,
// wig) split into fields; blank lines, '#' comments and "track" and
// "browser" lines are skipped.
type lineScanner struct {
	br     *bufio.Reader
	format string // what the input should be, for the line-too-long error
	line   int    // number of the current line (1-based)
	fields [][]byte
	err    error // the error that stopped next; nil at the end of the input
}

// next advances to the next data line and reports whether there is one.
func (s *lineScanner) next() bool {
	for {
		line, err := s.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			s.err = fmt.Errorf("line %d: longer than %d bytes: not %s", s.line+1, s.br.Size(), s.format)
			return false
		}
		if len(line) == 0 && err != nil {
			if err != io.EOF {
				s.err = err
			}
			return false
		}
		s.line++
		line = bytes.TrimRight(line, "\r\n")
		if s.line == 1 {
			// A spreadsheet's export may start with a byte-order mark.
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
		}
		if len(line) == 0 || line[0] == '#' || bytes.HasPrefix(line, []byte("track")) || bytes.HasPrefix(line, []byte("browser")) {
			continue
		}
		if s.fields = splitFields(s.fields[:0], line); len(s.fields) > 0 {
			return true
		}
	}
}

// splitFields splits on runs of tabs and spaces.
func splitFields(dst [][]byte, line []byte) [][]byte {
	i := 0
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		j := i
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			j++
		}
		if j > i {
			dst = append(dst, line[i:j])
		}
		i = j
	}
	return dst
}

// atoiPos parses a non-negative decimal integer below 2^40.
func atoiPos(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 12 {
		return 0, false
	}
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func truncate(b []byte) string {
	if len(b) > 40 {
		b = b[:40]
	}
	return strconv.Quote(string(b))
}
