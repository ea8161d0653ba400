package simulate

import (
	"math/rand/v2"
	"strconv"

	"github.com/nipt/nipt/internal/simulate/bamwrite"
)

// setName writes the read name "<contig+1>.<id in base 36>" into the record.
func (em *emitter) setName(id int64) {
	em.name = append(em.name[:0], em.prefix...)
	em.name = strconv.AppendInt(em.name, id, 36)
	em.rec.Name = em.name
}

// setAux writes the origin tag when requested.
func (em *emitter) setAux(origin uint8) {
	em.rec.Aux = em.aux[:0]
	if em.tagOrigin {
		v := byte('M')
		if origin == originFetal {
			v = 'F'
		}
		em.aux = bamwrite.AppendAuxA(em.aux[:0], "XO", v)
		em.rec.Aux = em.aux
	}
}

// setSeq draws n random bases with the bin's GC fraction and binned Illumina
// qualities (NovaSeq-style bins 37/25/11 with probabilities 0.85/0.10/0.05),
// when sequences are requested.
func (em *emitter) setSeq(r *rand.Rand, n int, gc float64) {
	em.rec.Seq, em.rec.Qual = nil, nil
	if !em.withSeq {
		return
	}
	em.seq, em.qual = em.seq[:0], em.qual[:0]
	gcT := uint64(gc * 256)
	var bits uint64
	for i := range n {
		if i%4 == 0 {
			bits = r.Uint64()
		}
		b := bits & 0xffff
		bits >>= 16
		// 8 bits choose GC vs AT against the bin's GC, 1 bit the base, 7
		// bits the quality bin.
		var base byte
		if b&0xff < gcT {
			base = "GC"[(b>>8)&1]
		} else {
			base = "AT"[(b>>8)&1]
		}
		q := byte(37)
		switch v := (b >> 9) & 0x7f; {
		case v < 6:
			q = 11
		case v < 19:
			q = 25
		}
		em.seq = append(em.seq, base)
		em.qual = append(em.qual, q)
	}
	em.rec.Seq, em.rec.Qual = em.seq, em.qual
}

// emit writes the leftmost record of a fragment (queueing its mate) or a
// single-end, secondary or supplementary record.
func (em *emitter) emit(r *rand.Rand, in *binInput, f *frag) {
	rec := &em.rec
	rec.Ref, rec.Pos, rec.MapQ = em.contig, int(f.pos), f.mapq
	rec.MateRef, rec.MatePos, rec.TLen = -1, -1, 0
	em.setName(f.id)
	em.setAux(f.origin)
	flag := f.flag
	rl := int(f.length)
	switch {
	case f.kind == kindSupplementary:
		rl = min(em.p.ReadLength-int(f.clip), in.chromLen-int(f.pos))
		em.cigar[0] = bamwrite.Cigar(bamwrite.CigarHardClip, int(f.clip))
		em.cigar[1] = bamwrite.Cigar(bamwrite.CigarMatch, rl)
		rec.Cigar = em.cigar[:2]
		if em.paired {
			flag |= flagPaired | flagRead1
			rec.MateRef, rec.MatePos = em.contig, int(f.pos)
		}
		if !f.fwdFirst {
			flag |= flagReverse
		}
	case f.kind == kindSecondary || !em.paired:
		if f.kind == kindSecondary {
			rl = min(em.p.ReadLength, in.chromLen-int(f.pos))
		}
		em.cigar[0] = bamwrite.Cigar(bamwrite.CigarMatch, rl)
		rec.Cigar = em.cigar[:1]
		if em.paired {
			flag |= flagPaired | flagRead1
			rec.MateRef, rec.MatePos = em.contig, int(f.pos)
		}
		if !f.fwdFirst {
			flag |= flagReverse
		}
	default:
		L := int(f.length)
		rl = min(em.p.ReadLength, L)
		right := int(f.pos) + L - rl
		em.cigar[0] = bamwrite.Cigar(bamwrite.CigarMatch, rl)
		rec.Cigar = em.cigar[:1]
		rec.MateRef, rec.MatePos, rec.TLen = em.contig, right, L
		flag |= flagPaired | flagProper | flagMateReverse
		mflag := f.flag | flagPaired | flagProper | flagReverse
		if f.fwdFirst {
			flag |= flagRead1
			mflag |= flagRead2
		} else {
			flag |= flagRead2
			mflag |= flagRead1
		}
		em.pushMate(mate{pos: int32(right), matePos: f.pos, tlen: int32(-L), rlen: int32(rl), flag: mflag,
			mapq: f.mapq, origin: f.origin, gc: float32(in.gc), id: f.id})
	}
	rec.Flag = flag
	em.setSeq(r, rl, in.gc)
	em.write()
}

// emitMate writes a queued second read. Its bases come from the same stream
// as everything else: the order in which the heap releases mates is itself
// determined by the stream, so the output stays deterministic.
func (em *emitter) emitMate(r *rand.Rand, m mate) {
	rec := &em.rec
	rec.Ref, rec.Pos, rec.MapQ, rec.Flag = em.contig, int(m.pos), m.mapq, m.flag
	rec.MateRef, rec.MatePos, rec.TLen = em.contig, int(m.matePos), int(m.tlen)
	em.cigar[0] = bamwrite.Cigar(bamwrite.CigarMatch, int(m.rlen))
	rec.Cigar = em.cigar[:1]
	em.setName(m.id)
	em.setAux(m.origin)
	em.setSeq(r, int(m.rlen), float64(m.gc))
	em.write()
}

func (em *emitter) write() {
	if em.err == nil {
		em.err = em.w.Write(&em.rec)
	}
}

// pushMate and popMate keep the waiting mates in a binary min-heap ordered
// by position, then insertion order.
func (em *emitter) pushMate(m mate) {
	m.seq = em.mateSeq
	em.mateSeq++
	h := append(em.heap, m)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !mateLess(&h[i], &h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	em.heap = h
}

func (em *emitter) popMate() mate {
	h := em.heap
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	i := 0
	for {
		l, s := 2*i+1, i
		if l < n && mateLess(&h[l], &h[s]) {
			s = l
		}
		if l+1 < n && mateLess(&h[l+1], &h[s]) {
			s = l + 1
		}
		if s == i {
			break
		}
		h[i], h[s] = h[s], h[i]
		i = s
	}
	em.heap = h
	return top
}

func mateLess(a, b *mate) bool {
	if a.pos != b.pos {
		return a.pos < b.pos
	}
	return a.seq < b.seq
}
