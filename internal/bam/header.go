package bam

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/nipt/nipt/internal/genome"
)

// Header is what counting needs from a SAM/BAM header.
type Header struct {
	// Refs are the reference sequences in header order (record RefIDs
	// index this slice).
	Refs []genome.Contig
	// SortOrder is the @HD SO value ("coordinate", "queryname",
	// "unsorted", "unknown"), or "" when absent.
	SortOrder string
	// Samples are the distinct @RG SM values in order of appearance.
	Samples []string
	// Units are the distinct @RG PU (platform unit) values in order of
	// appearance: by convention FLOWCELL.LANE[.BARCODE].
	Units []string
}

// Limits against corrupt or hostile headers; generous for real files (a
// human BAM header is well under 1 MiB and has < 10^5 references).
const (
	maxHeaderText = 1 << 28
	maxRefs       = 1 << 24
	maxRefName    = 1 << 16
)

// parseText reads @HD SO, @RG SM and PU and (when withSQ) @SQ SN/LN from SAM
// header text (SAM spec §1.3).
func (h *Header) parseText(text []byte, withSQ bool) error {
	for n := 1; len(text) > 0; n++ {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if len(line) < 3 || line[0] != '@' {
			continue
		}
		switch string(line[:3]) {
		case "@HD":
			if v, ok := tagValue(line, "SO"); ok {
				h.SortOrder = v
			}
		case "@RG":
			if v, ok := tagValue(line, "SM"); ok && !slices.Contains(h.Samples, v) {
				h.Samples = append(h.Samples, v)
			}
			if v, ok := tagValue(line, "PU"); ok && v != "" && !slices.Contains(h.Units, v) {
				h.Units = append(h.Units, v)
			}
		case "@SQ":
			if !withSQ {
				continue
			}
			name, ok1 := tagValue(line, "SN")
			ln, ok2 := tagValue(line, "LN")
			length, err := strconv.Atoi(ln)
			if !ok1 || !ok2 || err != nil || length < 1 || name == "" {
				return fmt.Errorf("header line %d: @SQ needs SN:name and LN:length ≥ 1, got %q", n, truncate(line))
			}
			if len(h.Refs) >= maxRefs {
				return fmt.Errorf("header has more than %d @SQ lines", maxRefs)
			}
			h.Refs = append(h.Refs, genome.Contig{Name: name, Length: length})
		}
	}
	return nil
}

// tagValue returns the value of TAG:value in a tab-separated header line.
func tagValue(line []byte, tag string) (string, bool) {
	for f := range bytes.SplitSeq(line, []byte{'\t'}) {
		if len(f) > 3 && f[2] == ':' && string(f[:2]) == tag {
			return string(f[3:]), true
		}
	}
	return "", false
}

// readBAMHeader decodes the BAM header (SAM spec §4.2: magic, l_text, text,
// n_ref, then per reference l_name, name, l_ref) from s.
func readBAMHeader(s *byteStream) (*Header, error) {
	magic, err := s.next(4)
	if err != nil {
		return nil, fmt.Errorf("reading BAM magic: %w", err)
	}
	if string(magic) != "BAM\x01" {
		return nil, fmt.Errorf("not a BAM stream (magic %q)", magic)
	}
	lText, err := s.int32()
	if err != nil {
		return nil, fmt.Errorf("truncated BAM header: %w", err)
	}
	if lText < 0 || lText > maxHeaderText {
		return nil, fmt.Errorf("corrupt BAM header: text length %d", lText)
	}
	h := new(Header)
	text, err := s.next(int(lText))
	if err != nil {
		return nil, fmt.Errorf("truncated BAM header text: %w", err)
	}
	if err := h.parseText(text, false); err != nil {
		return nil, err
	}
	nRef, err := s.int32()
	if err != nil {
		return nil, fmt.Errorf("truncated BAM header: %w", err)
	}
	if nRef < 0 || nRef > maxRefs {
		return nil, fmt.Errorf("corrupt BAM header: %d references", nRef)
	}
	h.Refs = make([]genome.Contig, 0, min(int(nRef), 1<<12))
	for i := range int(nRef) {
		lName, err := s.int32()
		if err != nil {
			return nil, fmt.Errorf("truncated BAM header at reference %d: %w", i, err)
		}
		if lName < 2 || lName > maxRefName {
			return nil, fmt.Errorf("corrupt BAM header: reference %d name length %d", i, lName)
		}
		name, err := s.next(int(lName))
		if err != nil {
			return nil, fmt.Errorf("truncated BAM header at reference %d: %w", i, err)
		}
		if name[len(name)-1] != 0 {
			return nil, fmt.Errorf("corrupt BAM header: reference %d name is not NUL-terminated", i)
		}
		c := genome.Contig{Name: string(name[:len(name)-1])}
		lRef, err := s.int32()
		if err != nil {
			return nil, fmt.Errorf("truncated BAM header at reference %d: %w", i, err)
		}
		if lRef < 0 {
			return nil, fmt.Errorf("corrupt BAM header: reference %s length %d", c.Name, lRef)
		}
		c.Length = int(lRef)
		h.Refs = append(h.Refs, c)
	}
	return h, nil
}

// byteStream reads a sequence of inflated blocks as a stream, returning
// slices into the current block where possible and assembling values that
// span blocks in a scratch buffer.
type byteStream struct {
	src     blockSource
	cur     []byte
	scratch []byte
}

// blockSource yields successive chunks of a decompressed stream; a chunk is
// valid until the next call.
type blockSource interface {
	Block() ([]byte, error)
}

// next returns the next n bytes, valid until the next call. At a clean end
// of stream (no byte left) it returns io.EOF; if the stream ends within
// the n bytes, io.ErrUnexpectedEOF.
func (s *byteStream) next(n int) ([]byte, error) {
	if len(s.cur) >= n {
		b := s.cur[:n]
		s.cur = s.cur[n:]
		return b, nil
	}
	s.scratch = append(s.scratch[:0], s.cur...)
	s.cur = nil
	for len(s.scratch) < n {
		b, err := s.src.Block()
		if err != nil {
			if err == io.EOF && len(s.scratch) > 0 {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		take := min(n-len(s.scratch), len(b))
		s.scratch = append(s.scratch, b[:take]...)
		s.cur = b[take:]
	}
	return s.scratch, nil
}

func (s *byteStream) int32() (int32, error) {
	b, err := s.next(4)
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, err
	}
	return int32(binary.LittleEndian.Uint32(b)), nil
}

func truncate(b []byte) string {
	if len(b) > 60 {
		b = b[:60]
	}
	return string(b)
}
