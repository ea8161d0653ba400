package bgzf

import (
	"encoding/binary"
	"fmt"
)

// NewFastInflater returns nipt's pure-Go DEFLATE decoder (RFC 1951),
// written for BGZF: the whole uncompressed block (≤ 64 KiB) is the output
// buffer and the back-reference window at once, so there is no sliding
// window or output copying; bits are refilled 64 at a time; Huffman codes
// are resolved with two-level lookup tables. It is about twice as
// fast as compress/flate on BAM data (BenchmarkInflate) and is checked
// against compress/flate byte for byte (TestFastInflater, FuzzInflate).
func NewFastInflater() Inflater { return new(fastInflater) }

type fastInflater struct {
	lit, dist, clen huffTable
	lengths         [286 + 30]uint8
}

var (
	errTruncatedDeflate = fmt.Errorf("%w: DEFLATE stream truncated", ErrCorrupt)
	errBadDeflate       = fmt.Errorf("%w: invalid DEFLATE data", ErrCorrupt)
	errSizeMismatch     = fmt.Errorf("%w: DEFLATE output size differs from the recorded size", ErrCorrupt)
)

// bitReader state lives in locals of Inflate for speed; these helpers
// document the invariants:
//
//	bits holds nb valid bits (LSB first); pos is the next input byte.
//	Past the end of src, zero bytes are shifted in and counted in pos, so
//	pos may exceed len(src); consuming any of them is detected at the end
//	(or when pos runs more than 8 bytes past the end).

func (f *fastInflater) Inflate(dst, src []byte) error {
	var (
		bits uint64
		nb   uint
		pos  int
		o    int
	)
	refill := func() bool {
		if pos+8 <= len(src) {
			bits |= binary.LittleEndian.Uint64(src[pos:]) << nb
			k := (63 - nb) >> 3
			pos += int(k)
			nb += k << 3
			return true
		}
		for nb <= 56 {
			if pos < len(src) {
				bits |= uint64(src[pos]) << nb
			} else if pos > len(src)+8 {
				return false
			}
			pos++
			nb += 8
		}
		return true
	}
	for {
		if nb < 3 && !refill() {
			return errTruncatedDeflate
		}
		final := bits&1 != 0
		btype := (bits >> 1) & 3
		bits >>= 3
		nb -= 3
		var lt, dt *huffTable
		switch btype {
		case 0: // stored (§3.2.4): skip to a byte boundary, LEN, NLEN, data
			bits >>= nb & 7
			nb -= nb & 7
			if nb < 32 && !refill() {
				return errTruncatedDeflate
			}
			n := int(bits & 0xffff)
			if uint16(bits>>16) != ^uint16(n) {
				return errBadDeflate
			}
			bits >>= 32
			nb -= 32
			// Unread whole bytes in the bit buffer go back to the input.
			pos -= int(nb >> 3)
			bits, nb = 0, 0
			if pos+n > len(src) {
				return errTruncatedDeflate
			}
			if o+n > len(dst) {
				return errSizeMismatch
			}
			o += copy(dst[o:], src[pos:pos+n])
			pos += n
			if final {
				return f.finish(o, dst, pos, nb, src)
			}
			continue
		case 1:
			lt, dt = &fixedLitLen, &fixedDist
		case 2:
			if err := f.readDynamic(src, &bits, &nb, &pos, refill); err != nil {
				return err
			}
			lt, dt = &f.lit, &f.dist
		default:
			return errBadDeflate
		}
		if err := decodeBlock(lt, dt, dst, &o, src, &bits, &nb, &pos, refill); err != nil {
			return err
		}
		if final {
			return f.finish(o, dst, pos, nb, src)
		}
	}
}

// finish checks that the output has the recorded size and that the stream
// did not use bytes beyond src.
func (f *fastInflater) finish(o int, dst []byte, pos int, nb uint, src []byte) error {
	if pos-int(nb>>3) > len(src) {
		return errTruncatedDeflate
	}
	if o != len(dst) {
		return errSizeMismatch
	}
	return nil
}

// clOrder is the order of code-length code lengths (RFC 1951 §3.2.7).
var clOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// readDynamic reads the code definitions of a dynamic block (§3.2.7) and
// builds f.lit and f.dist.
func (f *fastInflater) readDynamic(src []byte, bits *uint64, nb *uint, pos *int, refill func() bool) error {
	if *nb < 14 && !refill() {
		return errTruncatedDeflate
	}
	hlit := int(*bits&31) + 257
	hdist := int(*bits>>5&31) + 1
	hclen := int(*bits>>10&15) + 4
	*bits >>= 14
	*nb -= 14
	if hlit > 286 || hdist > 30 {
		return errBadDeflate
	}
	var cl [19]uint8
	for i := range hclen {
		if *nb < 3 && !refill() {
			return errTruncatedDeflate
		}
		cl[clOrder[i]] = uint8(*bits & 7)
		*bits >>= 3
		*nb -= 3
	}
	if f.clen.build(cl[:], 7, false, codeLenInfo) != nil {
		return errBadDeflate
	}
	lengths := f.lengths[:hlit+hdist]
	for i := 0; i < len(lengths); {
		if *nb < 7+7 && !refill() { // code ≤ 7 bits, extra ≤ 7 bits
			return errTruncatedDeflate
		}
		e := f.clen.e[*bits&127]
		if e&kindMask != kindBase {
			return errBadDeflate
		}
		n := uint(e & 31)
		*bits >>= n
		*nb -= n
		sym := int(e >> 16)
		if sym < 16 {
			lengths[i] = uint8(sym)
			i++
			continue
		}
		var rep int
		var val uint8
		switch sym {
		case 16: // repeat the previous length 3–6 times
			if i == 0 {
				return errBadDeflate
			}
			val = lengths[i-1]
			rep = 3 + int(*bits&3)
			*bits >>= 2
			*nb -= 2
		case 17: // 3–10 zeros
			rep = 3 + int(*bits&7)
			*bits >>= 3
			*nb -= 3
		default: // 18: 11–138 zeros
			rep = 11 + int(*bits&127)
			*bits >>= 7
			*nb -= 7
		}
		if i+rep > len(lengths) {
			return errBadDeflate
		}
		for range rep {
			lengths[i] = val
			i++
		}
	}
	if lengths[256] == 0 { // a block without end-of-block code cannot end
		return errBadDeflate
	}
	if f.lit.build(lengths[:hlit], litLenBits, false, litLenInfo) != nil {
		return errBadDeflate
	}
	if f.dist.build(lengths[hlit:], distBits, true, distInfo) != nil {
		return errBadDeflate
	}
	return nil
}

// decodeBlock decodes Huffman-coded data until the end-of-block code. The
// bit buffer lives in locals; the common refill (8 bytes available) is
// inlined and the rare one near the end of src goes through refill.
func decodeBlock(lt, dt *huffTable, dst []byte, op *int, src []byte, bp *uint64, nbp *uint, pp *int, refill func() bool) error {
	bits, nb, o, pos := *bp, *nbp, *op, *pp
	// Every literal/length table has a litLenBits-wide primary part and
	// every distance table a distBits-wide one; array pointers to them let
	// the compiler drop the bounds checks of primary lookups.
	const lmask, dmask = 1<<litLenBits - 1, 1<<distBits - 1
	const lp, dp = litLenBits, distBits
	le, de := lt.e, dt.e
	lprim := (*[1 << litLenBits]entry)(le)
	dprim := (*[1 << distBits]entry)(de)
	defer func() { *bp, *nbp, *op, *pp = bits, nb, o, pos }()
	for {
		// 15 code + 5 extra + 15 code + 13 extra = 48 bits per match.
		if nb < 48 {
			if pos+8 <= len(src) {
				bits |= binary.LittleEndian.Uint64(src[pos:]) << nb
				k := (63 - nb) >> 3
				pos += int(k)
				nb += k << 3
			} else {
				*bp, *nbp, *pp = bits, nb, pos
				if !refill() {
					return errTruncatedDeflate
				}
				bits, nb, pos = *bp, *nbp, *pp
			}
		}
		e := lprim[bits&lmask]
		if e&kindMask == kindLiteral && o+3 <= len(dst) {
			// With ≥ 48 bits buffered, three codes of ≤ 15 bits need no
			// refill: decode up to three literals in a row.
			d := dst[o : o+3 : o+3]
			n := uint(e & 31)
			bits >>= n
			nb -= n
			d[0] = byte(e >> 16)
			e = lprim[bits&lmask]
			if e&kindMask != kindLiteral {
				o++
				continue
			}
			n = uint(e & 31)
			bits >>= n
			nb -= n
			d[1] = byte(e >> 16)
			e = lprim[bits&lmask]
			if e&kindMask != kindLiteral {
				o += 2
				continue
			}
			n = uint(e & 31)
			bits >>= n
			nb -= n
			d[2] = byte(e >> 16)
			o += 3
			continue
		}
		if e&kindMask == kindSub {
			bits >>= lp
			nb -= lp
			e = le[int(e>>16)+int(bits&(1<<(e>>8&15)-1))]
		}
		n := uint(e & 31)
		bits >>= n
		nb -= n
		if e&kindMask == kindLiteral {
			if o >= len(dst) {
				return errSizeMismatch
			}
			dst[o] = byte(e >> 16)
			o++
			continue
		}
		switch e & kindMask {
		case kindEOB:
			return nil
		case kindBase:
		default:
			return errBadDeflate
		}
		x := uint(e >> 8 & 15)
		length := int(e>>16) + int(bits&(1<<x-1))
		bits >>= x
		nb -= x
		e = dprim[bits&dmask]
		if e&kindMask == kindSub {
			bits >>= dp
			nb -= dp
			e = de[int(e>>16)+int(bits&(1<<(e>>8&15)-1))]
		}
		if e&kindMask != kindBase {
			return errBadDeflate
		}
		n = uint(e & 31)
		bits >>= n
		nb -= n
		x = uint(e >> 8 & 15)
		dist := int(e>>16) + int(bits&(1<<x-1))
		bits >>= x
		nb -= x
		if dist > o {
			return errBadDeflate
		}
		end := o + length
		if end > len(dst) {
			return errSizeMismatch
		}
		if end+8 <= len(dst) {
			// Copy 8 bytes at a time, possibly writing up to 7 bytes past
			// end, which later output overwrites (the check above keeps
			// them inside dst). With dist ≥ 8 every load reads finished
			// output; dist 1 (runs) broadcasts the byte.
			if dist >= 8 {
				for from := o - dist; o < end; o, from = o+8, from+8 {
					binary.LittleEndian.PutUint64(dst[o:], binary.LittleEndian.Uint64(dst[from:]))
				}
				o = end
				continue
			}
			if dist == 1 {
				v := uint64(dst[o-1]) * 0x0101010101010101
				for ; o < end; o += 8 {
					binary.LittleEndian.PutUint64(dst[o:], v)
				}
				o = end
				continue
			}
		}
		if dist >= length {
			copy(dst[o:end], dst[o-dist:])
			o = end
			continue
		}
		// Overlapping copy: the pattern of period dist doubles each pass.
		start := o - dist
		for o < end {
			o += copy(dst[o:end], dst[start:o])
		}
	}
}
