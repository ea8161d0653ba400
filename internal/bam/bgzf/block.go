package bgzf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Sizes from SAM/BAM spec section 4.1: a BGZF member's total size (BSIZE+1)
// and its uncompressed size (ISIZE) are both at most 2^16 bytes.
const (
	MaxBlockSize = 1 << 16
	// fixedHeader is the gzip header up to and including XLEN (RFC 1952 §2.3).
	fixedHeader = 12
	// trailer is CRC32 + ISIZE (RFC 1952 §2.3).
	trailer = 8
)

// Errors reported for malformed input. They are wrapped with the byte offset
// of the member concerned.
var (
	// ErrNoEOF: the stream ended cleanly between members but without the
	// empty EOF-marker member, i.e. the file was probably cut short.
	ErrNoEOF = errors.New("bgzf: missing EOF marker block (file truncated?)")
	// ErrTruncated: the stream ended inside a member.
	ErrTruncated = errors.New("bgzf: file ends inside a block (file truncated)")
	// ErrCorrupt: a member header, its compressed data, CRC or size is invalid.
	ErrCorrupt = errors.New("bgzf: corrupt block")
	// ErrNotBGZF: the stream is not gzip, or gzip without BGZF block sizes.
	ErrNotBGZF = errors.New("bgzf: not a BGZF stream")
)

// IsGzip reports whether b starts with the gzip magic bytes.
func IsGzip(b []byte) bool {
	return len(b) >= 3 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8
}

// IsBGZF reports whether b, the first bytes of a stream (at least 18 are
// needed), is the header of a BGZF member: gzip with FEXTRA and a "BC"
// subfield of length 2.
func IsBGZF(b []byte) bool {
	if !IsGzip(b) || len(b) < fixedHeader || b[3]&4 == 0 {
		return false
	}
	xlen := int(binary.LittleEndian.Uint16(b[10:]))
	if len(b) < fixedHeader+xlen {
		return false
	}
	_, ok := blockSize(b[fixedHeader : fixedHeader+xlen])
	return ok
}

// blockSize finds the BC subfield in the gzip extra field and returns the
// member's total size (BSIZE+1).
func blockSize(extra []byte) (int, bool) {
	for len(extra) >= 4 {
		slen := int(binary.LittleEndian.Uint16(extra[2:]))
		if len(extra) < 4+slen {
			return 0, false
		}
		if extra[0] == 'B' && extra[1] == 'C' && slen == 2 {
			return int(binary.LittleEndian.Uint16(extra[4:])) + 1, true
		}
		extra = extra[4+slen:]
	}
	return 0, false
}

// rawBlock is one BGZF member as read from the stream.
type rawBlock struct {
	offset int64  // byte offset of the member in the stream
	buf    []byte // whole member (header, data, trailer); cap MaxBlockSize
	cdata  []byte // the DEFLATE data inside buf
	crc    uint32
	isize  int
}

// readBlock reads the next member from r into b. It returns io.EOF when r
// ends exactly between members.
func readBlock(r io.Reader, b *rawBlock, offset int64) error {
	b.offset = offset
	if cap(b.buf) < MaxBlockSize {
		b.buf = make([]byte, MaxBlockSize)
	}
	buf := b.buf[:MaxBlockSize]
	n, err := io.ReadFull(r, buf[:fixedHeader])
	switch {
	case n == 0 && err == io.EOF:
		return io.EOF
	case err == io.ErrUnexpectedEOF:
		return fmt.Errorf("%w (at byte %d)", ErrTruncated, offset)
	case err != nil:
		return err
	}
	if !IsGzip(buf) || buf[3]&4 == 0 {
		return fmt.Errorf("%w: no BGZF header at byte %d", ErrCorrupt, offset)
	}
	xlen := int(binary.LittleEndian.Uint16(buf[10:]))
	if _, err := io.ReadFull(r, buf[fixedHeader:fixedHeader+xlen]); err != nil {
		return truncated(err, offset)
	}
	size, ok := blockSize(buf[fixedHeader : fixedHeader+xlen])
	if !ok {
		return fmt.Errorf("%w: gzip member at byte %d has no BGZF block size", ErrCorrupt, offset)
	}
	head := fixedHeader + xlen
	if size < head+trailer || size > MaxBlockSize {
		return fmt.Errorf("%w: block size %d at byte %d", ErrCorrupt, size, offset)
	}
	if _, err := io.ReadFull(r, buf[head:size]); err != nil {
		return truncated(err, offset)
	}
	b.buf = buf[:size]
	b.cdata = buf[head : size-trailer]
	b.crc = binary.LittleEndian.Uint32(buf[size-8:])
	b.isize = int(binary.LittleEndian.Uint32(buf[size-4:]))
	if b.isize > MaxBlockSize {
		return fmt.Errorf("%w: uncompressed size %d at byte %d", ErrCorrupt, b.isize, offset)
	}
	return nil
}

func truncated(err error, offset int64) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%w (block at byte %d)", ErrTruncated, offset)
	}
	return err
}
