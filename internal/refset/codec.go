package refset

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
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
// byte, element count (uint64), little-endian elements.
type encoder struct{ buf bytes.Buffer }

func (e *encoder) header(name string, t byte, n int) {
	var b [8]byte
	binary.LittleEndian.PutUint16(b[:2], uint16(len(name)))
	e.buf.Write(b[:2])
	e.buf.WriteString(name)
	e.buf.WriteByte(t)
	binary.LittleEndian.PutUint64(b[:], uint64(n))
	e.buf.Write(b[:])
}

func (e *encoder) json(name string, v any) error {
	js, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", name, err)
	}
	e.header(name, secJSON, len(js))
	e.buf.Write(js)
	return nil
}

func (e *encoder) f64(name string, v []float64) {
	e.header(name, secFloat64, len(v))
	var b [8]byte
	for _, x := range v {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
		e.buf.Write(b[:])
	}
}

func (e *encoder) f32(name string, v []float32) {
	e.header(name, secFloat32, len(v))
	var b [4]byte
	for _, x := range v {
		binary.LittleEndian.PutUint32(b[:], math.Float32bits(x))
		e.buf.Write(b[:])
	}
}

func (e *encoder) i32(name string, v []int32) {
	e.header(name, secInt32, len(v))
	var b [4]byte
	for _, x := range v {
		binary.LittleEndian.PutUint32(b[:], uint32(x))
		e.buf.Write(b[:])
	}
}

func (e *encoder) u32(name string, v []uint32) {
	e.header(name, secUint32, len(v))
	var b [4]byte
	for _, x := range v {
		binary.LittleEndian.PutUint32(b[:], x)
		e.buf.Write(b[:])
	}
}

func (e *encoder) u8(name string, v []uint8) {
	e.header(name, secUint8, len(v))
	e.buf.Write(v)
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
