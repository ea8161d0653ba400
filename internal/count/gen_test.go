package count

import (
	"math/rand/v2"
	"testing"

	"github.com/biogo/hts/sam"
	"github.com/nipt/nipt/internal/bam"
	"github.com/nipt/nipt/internal/bam/bamtest"
	"github.com/nipt/nipt/internal/genome"
)

// extraContigs follow the canonical chromosomes in test headers.
var extraContigs = []genome.Contig{
	{Name: "chrM", Length: 16569}, {Name: "chr1_KI270706v1_random", Length: 175055},
	{Name: "chrUn_KI270742v1", Length: 186739}, {Name: "chrEBV", Length: 171823},
}

// genOptions shape a simulated alignment file for tests.
type genOptions struct {
	n      int  // reads (single-end) or fragments (paired-end)
	paired bool // paired-end
	noChr  bool // contigs named 1, 2, ..., MT
}

// genRecords draws alignments that exercise every filter: unmapped,
// secondary, supplementary and QC-failed records, MAPQ 0–60, duplicates
// (true position copies, some flagged 0x400 and some not, and flagged
// non-copies), other contigs, improper pairs, mates unmapped or on other
// chromosomes, and fragments longer than 1 kb. Positions cluster in a few
// 100 kb regions so that bins hold many reads. Sorted by coordinate.
func genRecords(t testing.TB, h *sam.Header, o genOptions, seed uint64) []bamtest.Rec {
	rng := rand.New(rand.NewPCG(seed, 42))
	nCanon := len(h.Refs()) - len(extraContigs)
	hot := [][2]int{{0, 1_000_000}, {20, 15_000_000}, {genome.ChrX, 3_000_000}, {1, 0}}
	place := func() (int, int) {
		if rng.IntN(20) == 0 {
			ref := nCanon + rng.IntN(len(extraContigs))
			return ref, rng.IntN(h.Refs()[ref].Len() - 2000)
		}
		if rng.IntN(3) == 0 {
			ref := rng.IntN(nCanon)
			return ref, rng.IntN(h.Refs()[ref].Len() - 2000)
		}
		s := hot[rng.IntN(len(hot))]
		return s[0], s[1] + rng.IntN(300_000)
	}
	mapq := func() int {
		if rng.IntN(8) == 0 {
			return 0
		}
		return 1 + rng.IntN(60)
	}
	// extra: random flags shared by both mates or the single read.
	extra := func() int {
		f := 0
		for _, x := range []struct{ flag, oneIn int }{
			{bam.FlagSecondary, 30}, {bam.FlagSupplementary, 30}, {bam.FlagQCFail, 50}, {bam.FlagDuplicate, 15},
		} {
			if rng.IntN(x.oneIn) == 0 {
				f |= x.flag
			}
		}
		return f
	}
	var recs []bamtest.Rec
	for range o.n {
		ref, pos := place()
		if !o.paired {
			r := bamtest.Rec{Ref: ref, Pos: pos, MAPQ: mapq(), Flag: extra(), MateRef: -1, MatePos: -1, ReadLen: 50}
			if rng.IntN(2) == 0 {
				r.Flag |= bam.FlagReverse
			}
			if rng.IntN(25) == 0 {
				r.Flag |= bam.FlagUnmapped
				r.MAPQ = 0
				if rng.IntN(2) == 0 {
					r.Ref, r.Pos = -1, -1
				}
			}
			recs = append(recs, r)
			if rng.IntN(8) == 0 { // a PCR copy, flagged or not
				d := r
				d.Flag |= rng.IntN(2) * bam.FlagDuplicate
				d.MAPQ = mapq()
				recs = append(recs, d)
			}
			continue
		}
		recs = append(recs, genPair(rng, h, ref, pos, mapq, extra, nCanon)...)
	}
	bamtest.SortByCoordinate(recs)
	return recs
}

// genPair draws one fragment as two mates in FR orientation, with its
// quirks, and sometimes a duplicate copy of it.
func genPair(rng *rand.Rand, h *sam.Header, ref, pos int, mapq func() int, extra func() int, nCanon int) []bamtest.Rec {
	length := 100 + rng.IntN(300)
	if rng.IntN(40) == 0 {
		length = 1001 + rng.IntN(5000)
	}
	const readLen = 50
	ext := extra()
	base := bam.FlagPaired | ext
	if rng.IntN(10) > 0 {
		base |= bam.FlagProperPair
	}
	left := bamtest.Rec{Ref: ref, Pos: pos, MAPQ: mapq(), MateRef: ref, MatePos: pos + length - readLen, TLen: length, ReadLen: readLen, Flag: base | bam.FlagMateReverse}
	right := bamtest.Rec{Ref: ref, Pos: pos + length - readLen, MAPQ: mapq(), MateRef: ref, MatePos: pos, TLen: -length, ReadLen: readLen, Flag: base | bam.FlagReverse}
	if rng.IntN(2) == 0 { // read1 is the left or the right mate
		left.Flag |= bam.FlagRead1
		right.Flag |= bam.FlagRead2
	} else {
		left.Flag |= bam.FlagRead2
		right.Flag |= bam.FlagRead1
	}
	switch rng.IntN(40) {
	case 0: // right mate unmapped, placed at the left mate (SAM spec §1.4.4 recommendation)
		right.Flag = right.Flag&^(bam.FlagProperPair|bam.FlagReverse) | bam.FlagUnmapped
		right.Pos, right.MAPQ, right.TLen, left.TLen = left.Pos, 0, 0, 0
		left.Flag = left.Flag&^(bam.FlagProperPair|bam.FlagMateReverse) | bam.FlagMateUnmapped
		left.MatePos = left.Pos
	case 1: // right mate on another chromosome
		other := (ref + 1 + rng.IntN(nCanon-1)) % nCanon
		right.Ref, right.Pos = other, rng.IntN(h.Refs()[other].Len()-2000)
		right.MateRef, left.MateRef, left.MatePos = ref, other, right.Pos
		left.TLen, right.TLen = 0, 0
		left.Flag &^= bam.FlagProperPair
		right.Flag &^= bam.FlagProperPair
	}
	out := []bamtest.Rec{left, right}
	if rng.IntN(8) == 0 { // PCR copy of the whole fragment
		dl, dr := left, right
		dup := rng.IntN(2) * bam.FlagDuplicate
		dl.Flag |= dup
		dr.Flag |= dup
		out = append(out, dl, dr)
	}
	return out
}

func genHeader(t testing.TB, o genOptions) *sam.Header {
	extra := extraContigs
	if o.noChr {
		extra = []genome.Contig{{Name: "MT", Length: 16569}, {Name: "GL000192.1", Length: 547496}, {Name: "NC_007605", Length: 171823}, {Name: "hs37d5", Length: 35477943}}
	}
	return bamtest.Header(t, genome.GRCh38, bamtest.HeaderOptions{NoChr: o.noChr, Extra: extra, SortOrder: "coordinate", Samples: []string{"SAMPLE_A"}})
}
