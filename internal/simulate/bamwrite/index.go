package bamwrite

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
)

// BAI constants (SAMv1 5.2).
const (
	linearShift = 14    // 16 kb linear-index windows
	pseudoBin   = 37450 // bin holding per-reference metadata
)

// Reg2Bin is the UCSC binning scheme of SAMv1 5.3: the smallest bin that
// contains the 0-based half-open interval [beg, end).
func Reg2Bin(beg, end int) int {
	end--
	switch {
	case beg>>14 == end>>14:
		return ((1<<15)-1)/7 + beg>>14
	case beg>>17 == end>>17:
		return ((1<<12)-1)/7 + beg>>17
	case beg>>20 == end>>20:
		return ((1<<9)-1)/7 + beg>>20
	case beg>>23 == end>>23:
		return ((1<<6)-1)/7 + beg>>23
	case beg>>26 == end>>26:
		return ((1<<3)-1)/7 + beg>>26
	}
	return 0
}

// chunk is a run of records [beg, end) in logical virtual offsets.
type chunk struct{ beg, end uint64 }

// refIndex accumulates the index of one reference sequence.
type refIndex struct {
	bins      map[uint32][]chunk
	linear    []uint64 // logical voffset+1 of the first record overlapping each window; 0 = none
	first     uint64
	last      uint64
	mapped    uint64
	unmapped  uint64
	any       bool
	curBin    uint32
	curChunk  chunk
	haveChunk bool
}

// indexer builds a BAI index from records pushed in coordinate order.
type indexer struct {
	refs    []refIndex
	cur     int // reference of the previous record, -1 before any
	lastPos int
	noCoor  uint64
}

func newIndexer(nref int) *indexer {
	return &indexer{refs: make([]refIndex, nref), cur: -1}
}

// push records a record on reference ref covering [beg, end) and stored at
// logical virtual offsets [vbeg, vend). Unplaced records have ref < 0.
func (x *indexer) push(ref, beg, end int, unmapped bool, vbeg, vend uint64) error {
	if ref < 0 {
		x.closeChunk()
		x.cur = len(x.refs)
		x.noCoor++
		return nil
	}
	if ref >= len(x.refs) {
		return fmt.Errorf("bamwrite: reference ID %d out of range (%d references)", ref, len(x.refs))
	}
	if ref < x.cur || (ref == x.cur && beg < x.lastPos) {
		return fmt.Errorf("bamwrite: records not in coordinate order (reference %d position %d after reference %d position %d)", ref, beg, x.cur, x.lastPos)
	}
	if ref != x.cur {
		x.closeChunk()
		x.cur = ref
	}
	x.lastPos = beg
	r := &x.refs[ref]
	if end <= beg {
		end = beg + 1
	}
	bin := uint32(Reg2Bin(beg, end))
	if !r.any {
		r.any, r.first = true, vbeg
		r.bins = map[uint32][]chunk{}
	}
	r.last = vend
	if unmapped {
		r.unmapped++
	} else {
		r.mapped++
	}
	if r.haveChunk && r.curBin == bin {
		r.curChunk.end = vend
	} else {
		x.closeChunk()
		r.curBin, r.curChunk, r.haveChunk = bin, chunk{vbeg, vend}, true
	}
	w0, w1 := beg>>linearShift, (end-1)>>linearShift
	if w1 >= len(r.linear) {
		r.linear = append(r.linear, make([]uint64, w1+1-len(r.linear))...)
	}
	for w := w0; w <= w1; w++ {
		if r.linear[w] == 0 {
			r.linear[w] = vbeg + 1
		}
	}
	return nil
}

// closeChunk stores the open chunk of the current reference in its bin.
func (x *indexer) closeChunk() {
	if x.cur < 0 || x.cur >= len(x.refs) {
		return
	}
	r := &x.refs[x.cur]
	if !r.haveChunk {
		return
	}
	cs := r.bins[r.curBin]
	if n := len(cs); n > 0 && cs[n-1].end == r.curChunk.beg {
		cs[n-1].end = r.curChunk.end
	} else {
		cs = append(cs, r.curChunk)
	}
	r.bins[r.curBin] = cs
	r.haveChunk = false
}

// binFirst is the first bin number of level l (0 = the whole reference, 5
// = 16 kb bins); binParent the bin one level up (SAMv1 5.3).
func binFirst(l int) uint32     { return uint32((1<<(3*l))-1) / 7 }
func binParent(b uint32) uint32 { return (b - 1) >> 3 }

const minMarkerDist = 1 << 16 // compressed bytes; htslib's HTS_MIN_MARKER_DIST

// compressBins resolves the chunks to file offsets and shrinks the index as
// htslib does (hts.c, compress_binning): a bin whose chunks span less than
// 64 KiB of compressed file is folded into its parent (a reader scans that
// little data anyway), finest level first; then chunks that touch the same
// BGZF block are merged.
func compressBins(bins map[uint32][]chunk, res func(uint64) uint64) map[uint32][]chunk {
	out := make(map[uint32][]chunk, len(bins))
	for k, cs := range bins {
		rc := make([]chunk, len(cs))
		for i, c := range cs {
			rc[i] = chunk{res(c.beg), res(c.end)}
		}
		out[k] = rc
	}
	byBeg := func(a, b chunk) int { return cmp.Compare(a.beg, b.beg) }
	for l := 5; l > 0; l-- {
		lo, hi := binFirst(l), binFirst(l+1)
		keys := make([]uint32, 0)
		for k := range out {
			if k >= lo && k < hi {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			cs := out[k]
			slices.SortFunc(cs, byBeg)
			if cs[len(cs)-1].end>>16-cs[0].beg>>16 < minMarkerDist {
				p := binParent(k)
				out[p] = append(out[p], cs...)
				delete(out, k)
			}
		}
	}
	for k, cs := range out {
		slices.SortFunc(cs, byBeg)
		m := cs[:1]
		for _, c := range cs[1:] {
			if n := len(m); c.beg>>16 <= m[n-1].end>>16 {
				m[n-1].end = max(m[n-1].end, c.end)
				continue
			}
			m = append(m, c)
		}
		out[k] = m
	}
	return out
}

// write encodes the index, turning logical offsets into file offsets.
func (x *indexer) write(w io.Writer, offsets []int64) error {
	x.closeChunk()
	var b []byte
	b = append(b, 'B', 'A', 'I', 1)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(x.refs)))
	var err error
	res := func(v uint64) uint64 {
		r, e := resolve(offsets, v)
		if e != nil && err == nil {
			err = e
		}
		return r
	}
	for i := range x.refs {
		r := &x.refs[i]
		if !r.any {
			b = binary.LittleEndian.AppendUint32(b, 0) // n_bin
			b = binary.LittleEndian.AppendUint32(b, 0) // n_intv
			continue
		}
		bins := compressBins(r.bins, res)
		keys := make([]uint32, 0, len(bins))
		for k := range bins {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(keys)+1))
		for _, k := range keys {
			cs := bins[k]
			b = binary.LittleEndian.AppendUint32(b, k)
			b = binary.LittleEndian.AppendUint32(b, uint32(len(cs)))
			for _, c := range cs {
				b = binary.LittleEndian.AppendUint64(b, c.beg)
				b = binary.LittleEndian.AppendUint64(b, c.end)
			}
		}
		b = binary.LittleEndian.AppendUint32(b, pseudoBin)
		b = binary.LittleEndian.AppendUint32(b, 2)
		b = binary.LittleEndian.AppendUint64(b, res(r.first))
		b = binary.LittleEndian.AppendUint64(b, res(r.last))
		b = binary.LittleEndian.AppendUint64(b, r.mapped)
		b = binary.LittleEndian.AppendUint64(b, r.unmapped)
		// Linear index: windows before the first record point at the first
		// record, empty windows inherit the previous window's offset (both are
		// safe lower bounds for a seek).
		b = binary.LittleEndian.AppendUint32(b, uint32(len(r.linear)))
		prev := r.first + 1
		for _, v := range r.linear {
			if v == 0 {
				v = prev
			}
			prev = v
			b = binary.LittleEndian.AppendUint64(b, res(v-1))
		}
	}
	b = binary.LittleEndian.AppendUint64(b, x.noCoor)
	if err != nil {
		return err
	}
	_, werr := w.Write(b)
	return werr
}
