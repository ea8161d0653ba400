package bam

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/nipt/nipt/internal/genome"
)

// ErrBadSAM is wrapped by every SAM alignment-line parse error.
var ErrBadSAM = errors.New("malformed SAM line")

// samReader decodes SAM text (SAM spec §1.4).
type samReader struct {
	br     *bufio.Reader
	h      *Header
	p      samParser
	rec    Record
	line   int64 // lines read, for messages
	err    error
	closer func() error
	long   []byte
}

func newSAMReader(r io.Reader, closer func() error) (*samReader, error) {
	s := &samReader{br: bufio.NewReaderSize(r, 1<<16), h: new(Header), closer: closer}
	var text []byte
	for {
		c, err := s.br.Peek(1)
		if err != nil || c[0] != '@' {
			break
		}
		line, err := s.readLine()
		if err != nil {
			return nil, err
		}
		text = append(append(text, line...), '\n')
		if len(text) > maxHeaderText {
			return nil, fmt.Errorf("SAM header longer than %d bytes", maxHeaderText)
		}
	}
	if err := s.h.parseText(text, true); err != nil {
		return nil, err
	}
	s.p.init(s.h.Refs)
	return s, nil
}

// readLine returns the next line without its line ending, valid until the
// next call; io.EOF at the end.
func (s *samReader) readLine() ([]byte, error) {
	line, err := s.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		s.long = append(s.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = s.br.ReadSlice('\n')
			s.long = append(s.long, line...)
		}
		line = s.long
	}
	if err != nil && (err != io.EOF || len(line) == 0) {
		return nil, err
	}
	s.line++
	line = bytes.TrimSuffix(line, []byte{'\n'})
	return bytes.TrimSuffix(line, []byte{'\r'}), nil
}

func (s *samReader) Header() *Header { return s.h }
func (s *samReader) Record() *Record { return &s.rec }
func (s *samReader) Err() error      { return s.err }
func (s *samReader) Format() string  { return "sam" }

func (s *samReader) Close() error {
	if s.closer != nil {
		return s.closer()
	}
	return nil
}

func (s *samReader) Next() bool {
	for s.err == nil {
		line, err := s.readLine()
		if err == io.EOF {
			return false
		}
		if err != nil {
			s.err = err
			return false
		}
		if len(line) == 0 {
			continue
		}
		if line[0] == '@' {
			s.err = fmt.Errorf("line %d: header line after the first alignment", s.line)
			return false
		}
		if err := s.p.parse(line, &s.rec); err != nil {
			s.err = fmt.Errorf("line %d: %w", s.line, err)
			return false
		}
		return true
	}
	return false
}

// samParser decodes the mandatory fields of SAM alignment lines.
type samParser struct {
	refs    map[string]int32
	lastRef []byte
	lastID  int32
}

func (p *samParser) init(refs []genome.Contig) {
	p.refs = make(map[string]int32, len(refs))
	for i, c := range refs {
		p.refs[c.Name] = int32(i)
	}
	p.lastID = -1
}

// parse decodes QNAME…TLEN of one alignment line (11 mandatory fields).
func (p *samParser) parse(line []byte, r *Record) error {
	var f [11][]byte
	n := 0
	for n < 11 {
		i := bytes.IndexByte(line, '\t')
		if i < 0 {
			f[n] = line
			n++
			break
		}
		f[n], line = line[:i], line[i+1:]
		n++
	}
	if n < 11 {
		return fmt.Errorf("%w: %d tab-separated fields, SAM needs 11", ErrBadSAM, n)
	}
	flag, ok := parseUint(f[1], math.MaxUint16)
	if !ok {
		return fmt.Errorf("%w: FLAG %q", ErrBadSAM, truncate(f[1]))
	}
	r.Flag = uint16(flag)
	var err error
	if r.RefID, err = p.ref(f[2], -2); err != nil {
		return err
	}
	pos, ok := parseUint(f[3], math.MaxInt32)
	if !ok {
		return fmt.Errorf("%w: POS %q", ErrBadSAM, truncate(f[3]))
	}
	r.Pos = int32(pos) - 1
	mapq, ok := parseUint(f[4], math.MaxUint8)
	if !ok {
		return fmt.Errorf("%w: MAPQ %q", ErrBadSAM, truncate(f[4]))
	}
	r.MAPQ = uint8(mapq)
	if r.NextRefID, err = p.ref(f[6], r.RefID); err != nil {
		return err
	}
	pnext, ok := parseUint(f[7], math.MaxInt32)
	if !ok {
		return fmt.Errorf("%w: PNEXT %q", ErrBadSAM, truncate(f[7]))
	}
	r.NextPos = int32(pnext) - 1
	tlen := f[8]
	neg := len(tlen) > 1 && tlen[0] == '-'
	if neg {
		tlen = tlen[1:]
	}
	t, ok := parseUint(tlen, math.MaxInt32)
	if !ok {
		return fmt.Errorf("%w: TLEN %q", ErrBadSAM, truncate(f[8]))
	}
	r.TLen = int32(t)
	if neg {
		r.TLen = -r.TLen
	}
	return nil
}

// ref resolves RNAME/RNEXT: "*" is -1 and "=" is same, the record's own
// reference (RNEXT only: RNAME passes same = -2, which refuses "=").
func (p *samParser) ref(name []byte, same int32) (int32, error) {
	if len(name) == 1 {
		switch name[0] {
		case '*':
			return -1, nil
		case '=':
			if same >= -1 {
				return same, nil
			}
			return 0, fmt.Errorf("%w: RNAME \"=\" (only RNEXT may be \"=\")", ErrBadSAM)
		}
	}
	if bytes.Equal(name, p.lastRef) && p.lastRef != nil {
		return p.lastID, nil
	}
	id, ok := p.refs[string(name)]
	if !ok {
		if len(p.refs) == 0 {
			return 0, fmt.Errorf("%w: reference %q but the SAM has no @SQ header lines (use samtools view -h to keep the header)", ErrBadSAM, truncate(name))
		}
		return 0, fmt.Errorf("%w: reference %q is not in the @SQ header lines", ErrBadSAM, truncate(name))
	}
	p.lastRef = append(p.lastRef[:0], name...)
	p.lastID = id
	return id, nil
}

// parseUint parses a decimal in [0, max]; SAM numbers have no sign or '+'.
func parseUint(b []byte, max uint64) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
		if v > max {
			return 0, false
		}
	}
	return v, true
}
