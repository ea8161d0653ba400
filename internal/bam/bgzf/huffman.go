package bgzf

import "errors"

// Huffman decoding tables for DEFLATE (RFC 1951 §3.2.2, canonical codes).
//
// A table maps the next bits of the stream (least significant bit first,
// as DEFLATE packs Huffman codes bit-reversed) to an entry. Codes up to
// the primary width are resolved by one lookup; longer ones by a second
// lookup in a subtable that the primary entry points to.
//
// Entry layout (uint32):
//
//	bits 0–4   number of stream bits the entry consumes
//	bits 5–7   kind (literal, base, end of block, subtable, invalid)
//	bits 8–11  extra bits that follow the code (subtable: its index width)
//	bits 16–31 value: literal byte, base length/distance, code-length
//	           symbol, or subtable offset
type entry = uint32

const (
	kindLiteral = 0 << 5
	kindBase    = 1 << 5 // length or distance base (or code-length symbol)
	kindEOB     = 2 << 5
	kindSub     = 3 << 5
	kindInvalid = 4 << 5
	kindMask    = 7 << 5
)

func mkEntry(kind uint32, extra, value uint32) entry { return kind | extra<<8 | value<<16 }

var (
	errHuffman = errors.New("invalid Huffman code")
)

// huffTable is a two-level decoding table.
type huffTable struct {
	e     []entry
	pbits uint // primary index width
}

// reverse returns the low n bits of c in reverse order.
func reverse(c, n uint) uint {
	var r uint
	for range n {
		r = r<<1 | c&1
		c >>= 1
	}
	return r
}

// build fills t for the code lengths of symbols 0..len(lengths)-1; info
// gives each symbol's entry (without the bit count). Like zlib and Go's
// compress/flate, it accepts complete codes, the one-symbol code of length
// 1, and (when allowEmpty) a code with no symbols at all.
func (t *huffTable) build(lengths []uint8, pbits uint, allowEmpty bool, info func(sym int) entry) error {
	var count [16]int
	maxLen, n := uint(0), 0
	for _, l := range lengths {
		if l > 15 {
			return errHuffman
		}
		if l > 0 {
			count[l]++
			n++
			maxLen = max(maxLen, uint(l))
		}
	}
	left := 1
	for l := 1; l <= 15; l++ {
		left = left<<1 - count[l]
		if left < 0 {
			return errHuffman // over-subscribed
		}
	}
	switch {
	case n == 0 && !allowEmpty:
		return errHuffman
	case left > 0 && n != 0 && !(n == 1 && count[1] == 1):
		return errHuffman // incomplete
	}
	var next [16]uint
	code := uint(0)
	for l := 1; l <= 15; l++ {
		code = (code + uint(count[l-1])) << 1
		next[l] = code
	}
	// next[1] starts at 0: count[0] is 0 because it was never incremented.
	size := 1 << pbits
	t.pbits = pbits
	t.e = t.e[:0]
	invalid := mkEntry(kindInvalid, 0, 0)
	for range size {
		t.e = append(t.e, invalid)
	}
	subBits := uint(0)
	if maxLen > pbits {
		subBits = maxLen - pbits
	}
	for sym, l8 := range lengths {
		if l8 == 0 {
			continue
		}
		l := uint(l8)
		r := reverse(next[l], l)
		next[l]++
		e := info(sym)
		if l <= pbits {
			for i := r; i < uint(size); i += 1 << l {
				t.e[i] = e | entry(l)
			}
			continue
		}
		prefix := r & uint(size-1)
		if t.e[prefix]&kindMask != kindSub {
			off := len(t.e)
			for range 1 << subBits {
				t.e = append(t.e, invalid)
			}
			t.e[prefix] = mkEntry(kindSub, uint32(subBits), uint32(off)) | entry(pbits)
		}
		off := uint(t.e[prefix] >> 16)
		sl := l - pbits
		for i := r >> pbits; i < 1<<subBits; i += 1 << sl {
			t.e[off+i] = e | entry(sl)
		}
	}
	return nil
}

// Length and distance bases and extra bits (RFC 1951 §3.2.5).
var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
)

// litLenInfo gives the entry of literal/length symbol sym (0–285; 286 and
// 287 take part in the fixed code but are invalid in data).
func litLenInfo(sym int) entry {
	switch {
	case sym < 256:
		return mkEntry(kindLiteral, 0, uint32(sym))
	case sym == 256:
		return mkEntry(kindEOB, 0, 0)
	case sym <= 285:
		return mkEntry(kindBase, uint32(lengthExtra[sym-257]), uint32(lengthBase[sym-257]))
	}
	return mkEntry(kindInvalid, 0, 0)
}

func distInfo(sym int) entry {
	if sym < 30 {
		return mkEntry(kindBase, uint32(distExtra[sym]), uint32(distBase[sym]))
	}
	return mkEntry(kindInvalid, 0, 0)
}

func codeLenInfo(sym int) entry { return mkEntry(kindBase, 0, uint32(sym)) }

// Primary table widths: 10 bits resolve nearly all literal/length codes
// of real data in one lookup while the table (4 KiB) stays in L1 cache;
// distance codes are fewer and shorter.
const (
	litLenBits = 10
	distBits   = 8
)

// fixedLitLen and fixedDist are the fixed codes of RFC 1951 §3.2.6.
var fixedLitLen, fixedDist = func() (huffTable, huffTable) {
	var l [288]uint8
	for i := range l {
		switch {
		case i < 144:
			l[i] = 8
		case i < 256:
			l[i] = 9
		case i < 280:
			l[i] = 7
		default:
			l[i] = 8
		}
	}
	var d [30]uint8
	for i := range d {
		d[i] = 5
	}
	var lt, dt huffTable
	if lt.build(l[:], litLenBits, false, litLenInfo) != nil {
		panic("bgzf: fixed literal/length code")
	}
	// The fixed distance code has 32 five-bit codes of which 30 are used;
	// building it with 32 lengths keeps it complete, and distInfo marks
	// codes 30 and 31 invalid.
	var d32 [32]uint8
	copy(d32[:], d[:])
	d32[30], d32[31] = 5, 5
	if dt.build(d32[:], distBits, false, distInfo) != nil {
		panic("bgzf: fixed distance code")
	}
	return lt, dt
}()
