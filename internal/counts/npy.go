package counts

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file encodes and decodes the NumPy .npy format, version 1.0
// (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
// the magic "\x93NUMPY", a version, a little-endian uint16 header length, an
// ASCII Python-literal dict {'descr', 'fortran_order', 'shape'} padded with
// spaces and a newline so that the data starts at a multiple of 64 bytes,
// then the raw array data.

var npyMagic = []byte("\x93NUMPY\x01\x00")

// npyHeader returns the preamble of a .npy member for dtype descr and shape.
func npyHeader(descr string, shape []int) []byte {
	dims := make([]string, len(shape))
	for i, s := range shape {
		dims[i] = strconv.Itoa(s)
	}
	sh := strings.Join(dims, ", ")
	if len(shape) == 1 {
		sh += ","
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, sh)
	total := len(npyMagic) + 2 + len(dict) + 1
	pad := (64 - total%64) % 64
	h := make([]byte, 0, total+pad)
	h = append(h, npyMagic...)
	h = binary.LittleEndian.AppendUint16(h, uint16(len(dict)+pad+1))
	h = append(h, dict...)
	h = append(h, bytes.Repeat([]byte{' '}, pad)...)
	return append(h, '\n')
}

// encodeUint32 returns a 1-D '<u4' .npy member.
func encodeUint32(v []uint32) []byte {
	b := npyHeader("<u4", []int{len(v)})
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, x)
	}
	return b
}

// encodeInt64 returns a 1-D '<i8' .npy member.
func encodeInt64(v []int64) []byte {
	b := npyHeader("<i8", []int{len(v)})
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, uint64(x))
	}
	return b
}

// encodeString returns a 0-d '<U' (UTF-32LE) .npy member holding s, which
// numpy loads as a str: str(np.load(f)["header"]).
func encodeString(s string) []byte {
	n := utf8.RuneCountInString(s)
	b := npyHeader(fmt.Sprintf("<U%d", n), nil)
	for _, r := range s {
		b = binary.LittleEndian.AppendUint32(b, uint32(r))
	}
	return b
}

// npyParse splits a .npy member into its dtype, shape and data.
func npyParse(b []byte) (descr string, shape []int, data []byte, err error) {
	if len(b) < 10 || !bytes.Equal(b[:6], npyMagic[:6]) {
		return "", nil, nil, fmt.Errorf("not a .npy array")
	}
	var hl, off int
	switch b[6] {
	case 1:
		hl, off = int(binary.LittleEndian.Uint16(b[8:10])), 10
	case 2, 3:
		if len(b) < 12 {
			return "", nil, nil, fmt.Errorf("truncated .npy header")
		}
		hl, off = int(binary.LittleEndian.Uint32(b[8:12])), 12
	default:
		return "", nil, nil, fmt.Errorf(".npy version %d not supported", b[6])
	}
	if off+hl > len(b) {
		return "", nil, nil, fmt.Errorf("truncated .npy header")
	}
	dict := string(b[off : off+hl])
	descr, ok := dictValue(dict, "descr")
	if !ok {
		return "", nil, nil, fmt.Errorf(".npy header without descr")
	}
	descr = strings.Trim(descr, "'\"")
	if fo, _ := dictValue(dict, "fortran_order"); fo != "False" {
		return "", nil, nil, fmt.Errorf(".npy array in Fortran order not supported")
	}
	st, ok := dictValue(dict, "shape")
	if !ok || !strings.HasPrefix(st, "(") || !strings.HasSuffix(st, ")") {
		return "", nil, nil, fmt.Errorf(".npy header without shape")
	}
	for _, f := range strings.Split(strings.Trim(st, "()"), ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return "", nil, nil, fmt.Errorf(".npy shape %s invalid", st)
		}
		shape = append(shape, n)
	}
	return descr, shape, b[off+hl:], nil
}

// dictValue extracts the value of key from a Python-literal dict header.
func dictValue(dict, key string) (string, bool) {
	i := strings.Index(dict, "'"+key+"'")
	if i < 0 {
		return "", false
	}
	rest := strings.TrimSpace(dict[i+len(key)+2:])
	if !strings.HasPrefix(rest, ":") {
		return "", false
	}
	rest = strings.TrimSpace(rest[1:])
	if strings.HasPrefix(rest, "(") {
		j := strings.IndexByte(rest, ')')
		if j < 0 {
			return "", false
		}
		return rest[:j+1], true
	}
	j := strings.IndexAny(rest, ",}")
	if j < 0 {
		return "", false
	}
	return strings.TrimSpace(rest[:j]), true
}

// decodeUint32 decodes a 1-D '<u4' member of length n into dst.
func decodeUint32(b []byte, dst []uint32) error {
	descr, shape, data, err := npyParse(b)
	if err != nil {
		return err
	}
	if descr != "<u4" || len(shape) != 1 || shape[0] != len(dst) {
		return fmt.Errorf("array is %s%v, want <u4 of %d bins", descr, shape, len(dst))
	}
	if len(data) != 4*len(dst) {
		return fmt.Errorf("array holds %d bytes, want %d", len(data), 4*len(dst))
	}
	for i := range dst {
		dst[i] = binary.LittleEndian.Uint32(data[4*i:])
	}
	return nil
}

// decodeString decodes a 0-d '<U' member.
func decodeString(b []byte) (string, error) {
	descr, shape, data, err := npyParse(b)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(descr, "<U") || len(shape) != 0 {
		return "", fmt.Errorf("array is %s%v, want a 0-d unicode string", descr, shape)
	}
	n, err := strconv.Atoi(descr[2:])
	if err != nil || len(data) != 4*n {
		return "", fmt.Errorf("string array of %d bytes does not match dtype %s", len(data), descr)
	}
	var sb strings.Builder
	for i := 0; i < n; i++ {
		r := rune(binary.LittleEndian.Uint32(data[4*i:]))
		if r == 0 {
			break // numpy pads shorter strings with NUL
		}
		sb.WriteRune(r)
	}
	return sb.String(), nil
}
