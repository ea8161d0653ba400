package refset

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
)

// Section types of the reference payload.
const (
	secJSON    byte = 'j'
	secFloat64 byte = 'd'
	secFloat32 byte = 'f'
	secInt32   byte = 'i'
	secUint32  byte = 'u'
	secUint8   byte = 'b'
)

// encoder writes named, typed sections: name length (uint16), name, type
// byte, element count (uint64), little-endian elements. It appends to one
// byte slice, grown ahead by sizeHint: the payload of a 200-sample
// reference is ~250 MB, and growing a buffer element by element cost a
// fifth of the build.
type encoder struct{ buf []byte }

// sizeHint reserves room for n more bytes.
func (e *encoder) sizeHint(n int) { e.buf = slices.Grow(e.buf, n) }

// grow extends the payload by n bytes and returns them.
func (e *encoder) grow(n int) []byte {
	l := len(e.buf)
	e.buf = slices.Grow(e.buf, n)[:l+n]
	return e.buf[l:]
}

func (e *encoder) header(name string, t byte, n int) {
	e.buf = binary.LittleEndian.AppendUint16(e.buf, uint16(len(name)))
	e.buf = append(e.buf, name...)
	e.buf = append(e.buf, t)
	e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(n))
}

func (e *encoder) json(name string, v any) error {
	js, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", name, err)
	}
	e.header(name, secJSON, len(js))
	e.buf = append(e.buf, js...)
	return nil
}

func (e *encoder) f64(name string, v []float64) {
	e.header(name, secFloat64, len(v))
	b := e.grow(8 * len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
}

func (e *encoder) i32(name string, v []int32) {
	e.header(name, secInt32, len(v))
	b := e.grow(4 * len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(x))
	}
}

// f32Parts writes the concatenation of parts as one float32 section
// without building it.
func (e *encoder) f32Parts(name string, parts [][]float32) {
	writeParts(e, name, secFloat32, parts, math.Float32bits)
}

// u32Parts is f32Parts for uint32 sections.
func (e *encoder) u32Parts(name string, parts [][]uint32) {
	writeParts(e, name, secUint32, parts, func(x uint32) uint32 { return x })
}

// writeParts writes parts as one section of 4-byte elements of type t,
// bits giving each element's little-endian bit pattern.
func writeParts[T any](e *encoder, name string, t byte, parts [][]T, bits func(T) uint32) {
	n := 0
	for _, v := range parts {
		n += len(v)
	}
	e.header(name, t, n)
	for _, v := range parts {
		b := e.grow(4 * len(v))
		for i, x := range v {
			binary.LittleEndian.PutUint32(b[4*i:], bits(x))
		}
	}
}

func (e *encoder) u8(name string, v []uint8) {
	e.header(name, secUint8, len(v))
	e.buf = append(e.buf, v...)
}

// section is one decoded section: its type, element count and values
// (in the field of its type).
type section struct {
	t   byte
	n   int
	raw []byte // JSON and uint8 sections
	f64 []float64
	f32 []float32
	i32 []int32
	u32 []uint32
}

// elemSize is the byte size of an element of section type t (0: unknown).
func elemSize(t byte) int {
	switch t {
	case secJSON, secUint8:
		return 1
	case secFloat32, secInt32, secUint32:
		return 4
	case secFloat64:
		return 8
	}
	return 0
}

// maxSectionName bounds a section name's length: names are short
// identifiers, so a longer one is a corrupt header, not a name to print.
const maxSectionName = 255

// readSections reads the sections of a payload from r, decoding each into
// a slice of its type as it streams: the payload of a 200-sample
// reference is ~190 MB, and holding it whole besides the decoded arrays
// doubled the memory and the load time. limit is the payload size in
// bytes when known (the gzip trailer, modulo 2³²): a section is allocated
// at once only while it fits in it, so that a corrupt element count never
// allocates more than the data that arrives; otherwise (and without a
// limit) its array grows with its data.
func readSections(r io.Reader, limit int) (map[string]section, error) {
	out := map[string]section{}
	br := bufio.NewReaderSize(r, 1<<16)
	var hdr [9]byte
	var chunk []byte
	total := 0
	for {
		if _, err := io.ReadFull(br, hdr[:2]); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("truncated section header")
		}
		name := make([]byte, binary.LittleEndian.Uint16(hdr[:2]))
		if len(name) == 0 || len(name) > maxSectionName {
			return nil, fmt.Errorf("corrupt section header (a name of %d bytes)", len(name))
		}
		if _, err := io.ReadFull(br, name); err != nil {
			return nil, fmt.Errorf("truncated section header")
		}
		for _, c := range name {
			if c < ' ' || c > '~' {
				return nil, fmt.Errorf("corrupt section header (a name that is not text)")
			}
		}
		if _, err := io.ReadFull(br, hdr[:9]); err != nil {
			return nil, fmt.Errorf("truncated section header")
		}
		t := hdr[0]
		n64 := binary.LittleEndian.Uint64(hdr[1:9])
		size := elemSize(t)
		if size == 0 {
			return nil, fmt.Errorf("section %q has unknown type %q", name, t)
		}
		if n64 > 1<<40 {
			return nil, fmt.Errorf("section %q is truncated", name)
		}
		if _, dup := out[string(name)]; dup {
			return nil, fmt.Errorf("section %q appears twice", name)
		}
		n := int(n64)
		total += 11 + len(name)
		// Allocate the whole section at once only while it fits in what
		// the payload can hold; otherwise the array grows with its data.
		c := min(n, 1<<16)
		if limit > 0 && n*size <= limit-total {
			c = n
		}
		total += n * size
		sec := section{t: t, n: n}
		switch t {
		case secJSON, secUint8:
			sec.raw = make([]byte, 0, c)
		case secFloat64:
			sec.f64 = make([]float64, 0, c)
		case secFloat32:
			sec.f32 = make([]float32, 0, c)
		case secInt32:
			sec.i32 = make([]int32, 0, c)
		case secUint32:
			sec.u32 = make([]uint32, 0, c)
		}
		for left := n; left > 0; {
			k := min(left, (1<<16)/size)
			if cap(chunk) < k*size {
				chunk = make([]byte, 1<<16)
			}
			b := chunk[:k*size]
			if _, err := io.ReadFull(br, b); err != nil {
				return nil, fmt.Errorf("section %q is truncated", name)
			}
			switch t {
			case secJSON, secUint8:
				sec.raw = append(sec.raw, b...)
			case secFloat64:
				for i := range k {
					sec.f64 = append(sec.f64, math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])))
				}
			case secFloat32:
				for i := range k {
					sec.f32 = append(sec.f32, math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
				}
			case secInt32:
				for i := range k {
					sec.i32 = append(sec.i32, int32(binary.LittleEndian.Uint32(b[4*i:])))
				}
			case secUint32:
				for i := range k {
					sec.u32 = append(sec.u32, binary.LittleEndian.Uint32(b[4*i:]))
				}
			}
			left -= k
		}
		out[string(name)] = sec
	}
}

// decoder reads typed sections with error accumulation.
type decoder struct {
	secs map[string]section
	err  error
}

func (d *decoder) get(name string, t byte, n int) (section, bool) {
	if d.err != nil {
		return section{}, false
	}
	s, ok := d.secs[name]
	switch {
	case !ok:
		d.err = fmt.Errorf("section %q missing", name)
	case s.t != t:
		d.err = fmt.Errorf("section %q has type %q, want %q", name, s.t, t)
	case n >= 0 && s.n != n:
		d.err = fmt.Errorf("section %q has %d elements, want %d", name, s.n, n)
	default:
		return s, true
	}
	return section{}, false
}

func (d *decoder) json(name string, v any) {
	if s, ok := d.get(name, secJSON, -1); ok {
		if err := json.Unmarshal(s.raw, v); err != nil {
			d.err = fmt.Errorf("section %q: %w", name, err)
		}
	}
}

func (d *decoder) f64(name string, n int) []float64 {
	s, _ := d.get(name, secFloat64, n)
	return s.f64
}

func (d *decoder) f32(name string, n int) []float32 {
	s, _ := d.get(name, secFloat32, n)
	return s.f32
}

func (d *decoder) i32(name string, n int) []int32 {
	s, _ := d.get(name, secInt32, n)
	return s.i32
}

func (d *decoder) u32(name string, n int) []uint32 {
	s, _ := d.get(name, secUint32, n)
	return s.u32
}

func (d *decoder) u8(name string, n int) []uint8 {
	s, _ := d.get(name, secUint8, n)
	return s.raw
}
