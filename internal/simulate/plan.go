package simulate

import (
	"math/rand/v2"
)

// Origins of a fragment.
const (
	originMaternal = 0
	originFetal    = 1
)

// Fragment-length classes of fragments that pass the count filters.
const (
	classShort = 0 // < Count.ShortFragmentMax (paired-end only)
	classLong  = 1 // the rest, and every single-end read
)

// binInput is one bin to draw: its interval, expected original fragments by
// origin, mappability and GC.
type binInput struct {
	contig     int // index in the BAM header
	start, end int
	chromLen   int
	mu         [2]float64
	mapp       float64
	gc         float64
	autosome   bool
	shape      float64 // gamma shape of the bin's overdispersion
}

// binPlan is what nipt count sees of a bin: the original fragments that pass
// its default filters (mapped, MAPQ ≥ minimum, not QC-fail), split by origin
// and length class, their duplicates, and the fragment lengths. It is drawn
// from the plan stream only, identically in BAM and counts mode.
type binPlan struct {
	g     float64   // overdispersion multiplier (gamma, mean 1)
	pass  [2][2]int // [origin][class] originals
	dup   [2][2]int // duplicates of them
	lens  []int32   // lengths of the originals, grouped origin-major, class-minor (paired-end)
	dupOf []int32   // for each duplicate, the ordinal of its original
}

// extraPlan is the rest of a bin's records: QC-fail and low-MAPQ originals,
// duplicates of the low-MAPQ ones, and secondary and supplementary records.
// Drawn from the extra stream, identically in both modes, so that counts
// mode reports the same record totals as the BAM holds.
type extraPlan struct {
	qcfail  [2]int
	lowq    [2]int
	lowqDup [2]int
	sec     int
	supp    int
}

// planner draws bin plans for one sample.
type planner struct {
	p        *Params
	paired   bool
	dupRatio float64 // duplicates per mapped original: D/(1 − D)
	nuPass   float64 // P(MAPQ ≥ min | non-unique)
	lens     [2]*lengthSampler
}

// newPlanner returns the planner of a sample whose fragment models vary by
// size (see SizeShift and SizeVariation).
func newPlanner(p *Params, paired bool, size sizeDraw) *planner {
	return &planner{
		p: p, paired: paired, dupRatio: p.DupRate / (1 - p.DupRate), nuPass: p.nonUniquePass(),
		lens: [2]*lengthSampler{
			newLengthSampler(size.pmf(p, originMaternal), p.Count.ShortFragmentMax),
			newLengthSampler(size.pmf(p, originFetal), p.Count.ShortFragmentMax),
		},
	}
}

// passProb is the probability that a mapped, non-QC-fail read of a bin of
// mappability m has MAPQ ≥ the count minimum: uniquely placed with
// probability m (MAPQ UniqueMapQ), else placed among repeats.
func (pl *planner) passProb(m float64) float64 { return m + (1-m)*pl.nuPass }

// plan draws the counted part of a bin. The gamma multiplier is drawn first
// and shared by both origins (coverage noise of the genomic region).
func (pl *planner) plan(r *rand.Rand, in *binInput, bp *binPlan) {
	*bp = binPlan{lens: bp.lens[:0], dupOf: bp.dupOf[:0], g: 1}
	if in.mu[0]+in.mu[1] == 0 {
		return
	}
	bp.g = gammaMean1(r, in.shape)
	pp := pl.passProb(in.mapp) * (1 - pl.p.QCFailRate)
	for o := range 2 {
		mu := in.mu[o] * bp.g * pp
		if pl.paired {
			ps := pl.lens[o].pShort
			bp.pass[o][classShort] = poisson(r, mu*ps)
			bp.pass[o][classLong] = poisson(r, mu*(1-ps))
		} else {
			bp.pass[o][classLong] = poisson(r, mu)
		}
		for c := range 2 {
			bp.dup[o][c] = poisson(r, float64(bp.pass[o][c])*pl.dupRatio)
		}
	}
	if pl.paired {
		for o := range 2 {
			for c := range 2 {
				for range bp.pass[o][c] {
					bp.lens = append(bp.lens, int32(pl.lens[o].draw(r, c+1, in.chromLen-in.start)))
				}
			}
		}
	}
	base := 0
	for o := range 2 {
		for c := range 2 {
			n := bp.pass[o][c]
			for range bp.dup[o][c] {
				bp.dupOf = append(bp.dupOf, int32(base+r.IntN(n)))
			}
			base += n
		}
	}
}

// extras draws the non-counted records of a bin given its plan.
func (pl *planner) extras(r *rand.Rand, in *binInput, bp *binPlan, ex *extraPlan) {
	*ex = extraPlan{}
	if in.mu[0]+in.mu[1] == 0 {
		return
	}
	p := pl.p
	lowq := (1 - pl.passProb(in.mapp)) * (1 - p.QCFailRate)
	for o := range 2 {
		mu := in.mu[o] * bp.g
		ex.qcfail[o] = poisson(r, mu*p.QCFailRate)
		ex.lowq[o] = poisson(r, mu*lowq)
		ex.lowqDup[o] = poisson(r, float64(ex.lowq[o])*pl.dupRatio)
	}
	mapped := (in.mu[0] + in.mu[1]) * bp.g
	ex.sec = poisson(r, mapped*p.SecondaryRate)
	ex.supp = poisson(r, mapped*p.SupplementRate)
}

// counted returns the reads (fragments) nipt count keeps from a bin and how
// many of them are short; duplicates count only when they are not flagged.
func (bp *binPlan) counted(markDup bool) (reads, short, fetal int) {
	for o := range 2 {
		for c := range 2 {
			n := bp.pass[o][c]
			if !markDup {
				n += bp.dup[o][c]
			}
			reads += n
			if c == classShort {
				short += n
			}
			if o == originFetal {
				fetal += n
			}
		}
	}
	return reads, short, fetal
}
