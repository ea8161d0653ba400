package bam

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Reader iterates over the alignment records of a BAM, SAM or CRAM stream:
//
//	for r.Next() { rec := r.Record() ... }
//	if err := r.Err(); err != nil { ... }
type Reader interface {
	// Header returns the decoded header.
	Header() *Header
	// Next advances to the next record and reports whether there is one.
	Next() bool
	// Record returns the current record; it is overwritten by Next.
	Record() *Record
	// Err returns the error that stopped Next, or nil at a clean end.
	Err() error
	// Format is "bam", "sam" or "cram".
	Format() string
	// Close releases the reader (goroutines, subprocess); it does not close
	// the underlying io.Reader.
	Close() error
}

// maxRecordSize bounds block_size so a corrupt value cannot make the reader
// allocate without limit; 2^28 bytes holds a 100 Mb read with qualities.
const maxRecordSize = 1 << 28

// bamReader decodes BAM records from a stream of inflated blocks.
type bamReader struct {
	s      byteStream
	h      *Header
	nRef   int
	rec    Record
	n      int64 // records decoded
	err    error
	closer func() error
	split  int64 // records assembled across blocks (slow path), for tests
}

func newBAMReader(src blockSource, closer func() error) (*bamReader, error) {
	r := &bamReader{s: byteStream{src: src}, closer: closer}
	h, err := readBAMHeader(&r.s)
	if err != nil {
		return nil, err
	}
	r.h, r.nRef = h, len(h.Refs)
	return r, nil
}

func (r *bamReader) Header() *Header { return r.h }
func (r *bamReader) Record() *Record { return &r.rec }
func (r *bamReader) Err() error      { return r.err }
func (r *bamReader) Format() string  { return "bam" }

func (r *bamReader) Close() error {
	if r.closer != nil {
		return r.closer()
	}
	return nil
}

// Next decodes the next record. The fast path reads a record that lies
// wholly inside the current block in place; records spanning two blocks go
// through the byteStream's scratch buffer.
func (r *bamReader) Next() bool {
	if r.err != nil {
		return false
	}
	cur := r.s.cur
	if len(cur) >= 4+FixedSize {
		size := int(int32(binary.LittleEndian.Uint32(cur)))
		if size >= 0 && len(cur)-4 >= size {
			r.s.cur = cur[4+size:]
			r.n++
			if err := DecodeRecord(cur[4:4+size], r.nRef, &r.rec); err != nil {
				r.err = fmt.Errorf("record %d: %w", r.n, err)
				return false
			}
			return true
		}
	}
	return r.slowNext()
}

func (r *bamReader) slowNext() bool {
	r.split++
	b, err := r.s.next(4)
	if err == io.EOF {
		return false
	}
	if err != nil {
		r.err = fmt.Errorf("after record %d: %w", r.n, truncErr(err))
		return false
	}
	size := int(int32(binary.LittleEndian.Uint32(b)))
	r.n++
	if size < FixedSize || size > maxRecordSize {
		r.err = fmt.Errorf("record %d: %w: block size %d", r.n, ErrCorruptRecord, size)
		return false
	}
	b, err = r.s.next(size)
	if err != nil {
		r.err = fmt.Errorf("record %d: %w", r.n, truncErr(err))
		return false
	}
	if err := DecodeRecord(b, r.nRef, &r.rec); err != nil {
		r.err = fmt.Errorf("record %d: %w", r.n, err)
		return false
	}
	return true
}

// ErrTruncatedRecord reports a stream that ends inside a BAM record.
var ErrTruncatedRecord = errors.New("stream ends inside an alignment record")

func truncErr(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return ErrTruncatedRecord
	}
	return err
}

// readerBlocks turns a plain io.Reader into a blockSource.
type readerBlocks struct {
	r   io.Reader
	buf []byte
}

func (b *readerBlocks) Block() ([]byte, error) {
	if b.buf == nil {
		b.buf = make([]byte, 1<<16)
	}
	n, err := io.ReadAtLeast(b.r, b.buf, 1)
	if n > 0 {
		return b.buf[:n], nil
	}
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	return nil, err
}
