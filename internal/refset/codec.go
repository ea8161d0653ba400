package refset

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
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

// section is one decoded section.
type section struct {
	t    byte
	n    int
	data []byte
}

// decodeSections splits a payload into sections by name.
func decodeSections(p []byte) (map[string]section, []string, error) {
	out := map[string]section{}
	var order []string
	for len(p) > 0 {
		if len(p) < 2 {
			return nil, nil, fmt.Errorf("truncated section header")
		}
		nl := int(binary.LittleEndian.Uint16(p))
		if len(p) < 2+nl+9 {
			return nil, nil, fmt.Errorf("truncated section header")
		}
		name := string(p[2 : 2+nl])
		t := p[2+nl]
		n := binary.LittleEndian.Uint64(p[3+nl:])
		p = p[11+nl:]
		var size uint64
		switch t {
		case secJSON, secUint8:
			size = 1
		case secFloat32, secInt32, secUint32:
			size = 4
		case secFloat64:
			size = 8
		default:
			return nil, nil, fmt.Errorf("section %q has unknown type %q", name, t)
		}
		if n > uint64(len(p))/size {
			return nil, nil, fmt.Errorf("section %q is truncated", name)
		}
		ln := int(n * size)
		if _, dup := out[name]; dup {
			return nil, nil, fmt.Errorf("section %q appears twice", name)
		}
		out[name] = section{t: t, n: int(n), data: p[:ln]}
		order = append(order, name)
		p = p[ln:]
	}
	return out, order, nil
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
		if err := json.Unmarshal(s.data, v); err != nil {
			d.err = fmt.Errorf("section %q: %w", name, err)
		}
	}
}

func (d *decoder) f64(name string, n int) []float64 {
	s, ok := d.get(name, secFloat64, n)
	if !ok {
		return nil
	}
	out := make([]float64, s.n)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(s.data[8*i:]))
	}
	return out
}

func (d *decoder) f32(name string, n int) []float32 {
	s, ok := d.get(name, secFloat32, n)
	if !ok {
		return nil
	}
	out := make([]float32, s.n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(s.data[4*i:]))
	}
	return out
}

func (d *decoder) i32(name string, n int) []int32 {
	s, ok := d.get(name, secInt32, n)
	if !ok {
		return nil
	}
	out := make([]int32, s.n)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(s.data[4*i:]))
	}
	return out
}

func (d *decoder) u32(name string, n int) []uint32 {
	s, ok := d.get(name, secUint32, n)
	if !ok {
		return nil
	}
	out := make([]uint32, s.n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(s.data[4*i:])
	}
	return out
}

func (d *decoder) u8(name string, n int) []uint8 {
	s, ok := d.get(name, secUint8, n)
	if !ok {
		return nil
	}
	return append([]uint8(nil), s.data...)
}
