package simulate

import (
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/nipt/nipt/internal/simulate/bamwrite"
)

// SAM flags (SAMv1 1.4).
const (
	flagPaired       = 0x1
	flagProper       = 0x2
	flagUnmapped     = 0x4
	flagMateUnmapped = 0x8
	flagReverse      = 0x10
	flagMateReverse  = 0x20
	flagRead1        = 0x40
	flagRead2        = 0x80
	flagSecondary    = 0x100
	flagQCFail       = 0x200
	flagDup          = 0x400
	flagSupplement   = 0x800
)

// Record kinds of a frag.
const (
	kindPrimary = iota
	kindSecondary
	kindSupplementary
)

// frag is one fragment (or, for kinds other than primary, one extra record)
// placed in a bin, before emission.
type frag struct {
	pos      int32
	length   int32 // fragment length (paired-end) or read length (single-end)
	flag     uint16
	mapq     uint8
	origin   uint8
	kind     uint8
	fwdFirst bool  // paired: read 1 is the forward read at the leftmost position; single: forward strand
	clip     int16 // supplementary: hard-clipped bases
	id       int64
}

// mate is the second read of a pair, waiting for its position.
type mate struct {
	pos, matePos int32
	tlen         int32
	rlen         int32
	flag         uint16
	mapq         uint8
	origin       uint8
	gc           float32
	id           int64
	seq          int64 // insertion order, for ties
}

// emitter turns bin plans into BAM records in coordinate order.
type emitter struct {
	w         *bamwrite.Writer
	pl        *planner
	p         *Params
	paired    bool
	withSeq   bool
	tagOrigin bool
	markDup   bool
	contig    int
	prefix    []byte
	nextID    int64
	mateSeq   int64
	frags     []frag
	heap      []mate
	rec       bamwrite.Record
	name      []byte
	cigar     [2]uint32
	seq, qual []byte
	aux       []byte
	nuHi      []MapQWeight // non-unique MAPQ values ≥ the count minimum
	nuLo      []MapQWeight // and below it
	err       error
}

func newEmitter(w *bamwrite.Writer, pl *planner, paired, withSeq, tagOrigin bool) *emitter {
	em := &emitter{w: w, pl: pl, p: pl.p, paired: paired, withSeq: withSeq, tagOrigin: tagOrigin, markDup: pl.p.MarkDuplicates}
	for _, q := range pl.p.NonUniqueMapQ {
		if q.MapQ >= pl.p.Count.MinMAPQ {
			em.nuHi = append(em.nuHi, q)
		} else {
			em.nuLo = append(em.nuLo, q)
		}
	}
	return em
}

// drawMapQ draws from a MAPQ distribution.
func drawMapQ(r *rand.Rand, d []MapQWeight) uint8 {
	sum := 0.0
	for _, q := range d {
		sum += q.P
	}
	u := r.Float64() * sum
	for _, q := range d {
		if u < q.P {
			return uint8(q.MapQ)
		}
		u -= q.P
	}
	return uint8(d[len(d)-1].MapQ)
}

// startContig prepares the emitter for the records of header contig c.
func (em *emitter) startContig(c int) {
	em.contig = c
	em.prefix = strconv.AppendInt(em.prefix[:0], int64(c+1), 10)
	em.prefix = append(em.prefix, '.')
	em.nextID = 0
	em.heap = em.heap[:0]
}

// place draws the position and orientation of a new fragment of length L
// (paired) in the bin; single-end reads get the read length.
func (em *emitter) place(r *rand.Rand, in *binInput, o int, L int) frag {
	f := frag{origin: uint8(o), fwdFirst: r.IntN(2) == 0, id: em.nextID}
	em.nextID++
	hi := in.end
	if em.paired {
		hi = min(hi, in.chromLen-L+1)
		f.length = int32(L)
	}
	f.pos = int32(in.start + r.IntN(max(hi-in.start, 1)))
	if !em.paired {
		f.length = int32(min(em.p.ReadLength, in.chromLen-int(f.pos)))
	}
	return f
}

// mapQ draws the MAPQ of a mapped read that passes (pass) or fails the count
// MAPQ filter, or of any read (QC-fail ones), in a bin of mappability m.
func (em *emitter) mapQ(r *rand.Rand, m float64, pass, any bool) uint8 {
	switch {
	case any:
		if r.Float64() < m {
			return uint8(em.p.UniqueMapQ)
		}
		return drawMapQ(r, em.p.NonUniqueMapQ)
	case pass:
		if len(em.nuHi) == 0 || r.Float64()*em.pl.passProb(m) < m {
			return uint8(em.p.UniqueMapQ)
		}
		return drawMapQ(r, em.nuHi)
	}
	return drawMapQ(r, em.nuLo)
}

// bin generates and emits the records of one bin.
func (em *emitter) bin(r *rand.Rand, in *binInput, bp *binPlan, ex *extraPlan) {
	if em.err != nil {
		return
	}
	em.frags = em.frags[:0]
	k := 0
	for o := range 2 {
		for c := range 2 {
			for range bp.pass[o][c] {
				L := 0
				if em.paired {
					L = int(bp.lens[k])
				}
				f := em.place(r, in, o, L)
				f.mapq = em.mapQ(r, in.mapp, true, false)
				em.frags = append(em.frags, f)
				k++
			}
		}
	}
	for _, j := range bp.dupOf {
		em.frags = append(em.frags, em.duplicate(em.frags[j]))
	}
	maxLen := in.chromLen - in.start
	for o := range 2 {
		for range ex.qcfail[o] {
			f := em.place(r, in, o, em.pl.lens[o].draw(r, 0, maxLen))
			f.mapq = em.mapQ(r, in.mapp, false, true)
			f.flag |= flagQCFail
			em.frags = append(em.frags, f)
		}
		first := len(em.frags)
		for range ex.lowq[o] {
			f := em.place(r, in, o, em.pl.lens[o].draw(r, 0, maxLen))
			f.mapq = em.mapQ(r, in.mapp, false, false)
			em.frags = append(em.frags, f)
		}
		for range ex.lowqDup[o] {
			em.frags = append(em.frags, em.duplicate(em.frags[first+r.IntN(ex.lowq[o])]))
		}
	}
	for range ex.sec {
		f := em.place(r, in, 0, minFragment)
		f.kind, f.mapq, f.flag = kindSecondary, 0, flagSecondary
		em.frags = append(em.frags, f)
	}
	for range ex.supp {
		f := em.place(r, in, 0, minFragment)
		f.kind, f.mapq, f.flag = kindSupplementary, uint8(r.IntN(61)), flagSupplement
		// A chimeric read: 20 to ReadLength−20 bases align here.
		f.clip = int16(20 + r.IntN(max(em.p.ReadLength-39, 1)))
		em.frags = append(em.frags, f)
	}
	slices.SortStableFunc(em.frags, func(a, b frag) int { return int(a.pos) - int(b.pos) })
	for i := range em.frags {
		f := &em.frags[i]
		for len(em.heap) > 0 && em.heap[0].pos <= f.pos {
			em.emitMate(r, em.popMate())
		}
		em.emit(r, in, f)
	}
}

// duplicate copies a fragment as a PCR duplicate (flagged when marking).
func (em *emitter) duplicate(f frag) frag {
	f.id = em.nextID
	em.nextID++
	if em.markDup {
		f.flag |= flagDup
	}
	return f
}

// endContig emits the mates still waiting.
func (em *emitter) endContig(r *rand.Rand) {
	for len(em.heap) > 0 {
		em.emitMate(r, em.popMate())
	}
}
