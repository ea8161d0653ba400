package bamwrite

import (
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
)

// Ref is a reference sequence of the header.
type Ref struct {
	Name string
	Len  int
}

// Header is the BAM header: SAM header text (@HD, @SQ, @RG, @PG lines) and
// the binary reference list, which must list the same sequences as the @SQ
// lines in the same order.
type Header struct {
	Text string
	Refs []Ref
}

// CIGAR operation codes (SAMv1 4.2).
const (
	CigarMatch     = 0
	CigarIns       = 1
	CigarDel       = 2
	CigarSoftClip  = 4
	CigarHardClip  = 5
	cigarConsumes  = 1<<0 | 1<<2 | 1<<3 | 1<<7 | 1<<8 // M, D, N, =, X consume the reference
	flagUnmapped   = 0x4
	maxRecordBytes = 1 << 28
)

// Cigar encodes one CIGAR operation.
func Cigar(op, n int) uint32 { return uint32(n)<<4 | uint32(op) }

// Record is one alignment. Positions are 0-based; Ref and MateRef are -1 for
// "*". Seq holds ASCII bases or is nil (SEQ "*"); Qual holds Phred scores
// (not +33) of the same length, or nil. Aux holds encoded optional fields
// (see AppendAuxA).
type Record struct {
	Ref, Pos      int
	MapQ          uint8
	Flag          uint16
	MateRef       int
	MatePos, TLen int
	Name          []byte
	Cigar         []uint32
	Seq           []byte
	Qual          []byte
	Aux           []byte
}

// End is the 0-based exclusive end of the alignment on the reference.
func (r *Record) End() int {
	n := 0
	for _, c := range r.Cigar {
		if cigarConsumes&(1<<(c&0xf)) != 0 {
			n += int(c >> 4)
		}
	}
	if n == 0 {
		n = 1
	}
	return r.Pos + n
}

// AppendAuxA appends an aux field of type A (a single printable character).
func AppendAuxA(b []byte, tag string, v byte) []byte {
	return append(b, tag[0], tag[1], 'A', v)
}

// Options tune the writer.
type Options struct {
	// Level is the flate compression level; 0 means flate.BestSpeed.
	Level int
	// Concurrency is the number of compressing goroutines (1 = inline).
	Concurrency int
}

// Writer writes a coordinate-sorted BAM stream and indexes it.
type Writer struct {
	z       *bgzfWriter
	idx     *indexer
	nref    int
	offsets []int64
	size    int64
	closed  bool
	records int64
}

// NewWriter writes the BAM magic and header to w.
func NewWriter(w io.Writer, h Header, opt Options) (*Writer, error) {
	lvl := opt.Level
	if lvl == 0 {
		lvl = flate.BestSpeed
	}
	z, err := newBGZFWriter(w, lvl, opt.Concurrency)
	if err != nil {
		return nil, err
	}
	var b []byte
	b = append(b, 'B', 'A', 'M', 1)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(h.Text)))
	b = append(b, h.Text...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(h.Refs)))
	for _, r := range h.Refs {
		if r.Name == "" || r.Len <= 0 || r.Len >= 1<<31 {
			z.close()
			return nil, fmt.Errorf("bamwrite: bad reference %q of length %d", r.Name, r.Len)
		}
		b = binary.LittleEndian.AppendUint32(b, uint32(len(r.Name)+1))
		b = append(b, r.Name...)
		b = append(b, 0)
		b = binary.LittleEndian.AppendUint32(b, uint32(r.Len))
	}
	if err := z.write(b); err != nil {
		z.close()
		return nil, err
	}
	// Records start in a fresh block, as htslib does.
	if err := z.flush(); err != nil {
		z.close()
		return nil, err
	}
	return &Writer{z: z, idx: newIndexer(len(h.Refs)), nref: len(h.Refs)}, nil
}

// Records is the number of records written so far.
func (w *Writer) Records() int64 { return w.records }

// Write encodes r into the stream. Records must come in coordinate order.
func (w *Writer) Write(r *Record) error {
	if w.closed {
		return errors.New("bamwrite: write after close")
	}
	if len(r.Name) == 0 || len(r.Name) > 254 {
		return fmt.Errorf("bamwrite: read name of %d bytes (1–254 allowed)", len(r.Name))
	}
	if r.Qual != nil && len(r.Qual) != len(r.Seq) {
		return fmt.Errorf("bamwrite: %d qualities for %d bases", len(r.Qual), len(r.Seq))
	}
	if r.Ref >= w.nref || r.MateRef >= w.nref {
		return fmt.Errorf("bamwrite: reference ID out of range")
	}
	end := r.End()
	bin := 4680 // reg2bin(-1, 0) for unplaced records
	if r.Ref >= 0 {
		bin = Reg2Bin(r.Pos, end)
	}
	ls := len(r.Seq)
	size := 32 + len(r.Name) + 1 + 4*len(r.Cigar) + (ls+1)/2 + ls + len(r.Aux)
	if size+4 > maxRecordBytes {
		return fmt.Errorf("bamwrite: record of %d bytes too large", size)
	}
	z := w.z
	if size+4 > z.avail() && size+4 <= BlockData {
		if err := z.flush(); err != nil {
			return err
		}
	}
	vbeg := z.voffset()
	if size+4 <= z.avail() {
		z.cur.raw = encode(z.cur.raw, r, size, bin)
	} else {
		// Larger than a block: encode separately and let it span blocks.
		if err := z.write(encode(nil, r, size, bin)); err != nil {
			return err
		}
	}
	vend := z.voffset()
	if z.avail() == 0 {
		if err := z.flush(); err != nil {
			return err
		}
	}
	w.records++
	return w.idx.push(r.Ref, r.Pos, end, r.Flag&flagUnmapped != 0, vbeg, vend)
}

// encode appends the binary record (with its block_size prefix) to b.
func encode(b []byte, r *Record, size, bin int) []byte {
	le := binary.LittleEndian
	b = slices.Grow(b, size+4)
	n := len(b)
	b = b[:n+36]
	p := b[n:]
	le.PutUint32(p[0:], uint32(size))
	le.PutUint32(p[4:], uint32(int32(r.Ref)))
	le.PutUint32(p[8:], uint32(int32(r.Pos)))
	p[12] = uint8(len(r.Name) + 1)
	p[13] = r.MapQ
	le.PutUint16(p[14:], uint16(bin))
	le.PutUint16(p[16:], uint16(len(r.Cigar)))
	le.PutUint16(p[18:], r.Flag)
	le.PutUint32(p[20:], uint32(len(r.Seq)))
	le.PutUint32(p[24:], uint32(int32(r.MateRef)))
	le.PutUint32(p[28:], uint32(int32(r.MatePos)))
	le.PutUint32(p[32:], uint32(int32(r.TLen)))
	b = append(b, r.Name...)
	b = append(b, 0)
	for _, c := range r.Cigar {
		b = le.AppendUint32(b, c)
	}
	ls := len(r.Seq)
	for i := 0; i < ls; i += 2 {
		v := seqCode[r.Seq[i]] << 4
		if i+1 < ls {
			v |= seqCode[r.Seq[i+1]]
		}
		b = append(b, v)
	}
	if r.Qual != nil {
		b = append(b, r.Qual...)
	} else {
		for range ls {
			b = append(b, 0xff)
		}
	}
	return append(b, r.Aux...)
}

// seqCode maps ASCII bases to the 4-bit codes of "=ACMGRSVTWYHKDBN".
var seqCode = func() (t [256]byte) {
	for i := range t {
		t[i] = 15 // N
	}
	for i, c := range "=ACMGRSVTWYHKDBN" {
		t[c] = byte(i)
		if c >= 'A' && c <= 'Z' {
			t[c+'a'-'A'] = byte(i)
		}
	}
	return t
}()

// Close finishes the BAM stream (EOF marker). The index can then be written
// with WriteIndex.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	offs, size, err := w.z.close()
	w.offsets, w.size = offs, size
	return err
}

// Size is the number of bytes written (after Close).
func (w *Writer) Size() int64 { return w.size }

// WriteIndex writes the BAI index of the closed stream to iw.
func (w *Writer) WriteIndex(iw io.Writer) error {
	if !w.closed || w.offsets == nil {
		return errors.New("bamwrite: WriteIndex before a successful Close")
	}
	return w.idx.write(iw, w.offsets)
}
