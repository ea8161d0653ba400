package count

import (
	"fmt"
	"math"

	"github.com/nipt/nipt/internal/bam"
	"github.com/nipt/nipt/internal/genome"
)

// counter applies the filters to a stream of records and accumulates the
// bin counts. The order of the checks in add is the order of the reasons.
type counter struct {
	minMAPQ     uint8
	maxFragment int32
	shortMax    int32
	properOnly  bool
	flagDedup   bool
	dedup       *posDedup // nil unless --dedup position

	layout  *genome.Layout
	chromOf []int // per RefID: canonical chromosome index or -1

	reads, short []uint32
	hist         []int64 // all kept fragments
	histAuto     []int64 // kept fragments on chr1–22
	other        []int64 // per RefID, reads on non-canonical contigs
	dropped      [numReasons]int64
	records      int64
	kept         int64
	pairedRecs   int64 // records with FLAG 0x1
	singleRecs   int64 // primary mapped records without FLAG 0x1
}

func newCounter(opt *Options, l *genome.Layout, chromOf []int, refs []genome.Contig) *counter {
	c := &counter{
		minMAPQ:     uint8(opt.MinMAPQ),
		maxFragment: int32(opt.MaxFragment),
		shortMax:    int32(opt.ShortMax),
		properOnly:  opt.ProperPairs,
		flagDedup:   opt.Dedup == DedupFlag,
		layout:      l,
		chromOf:     chromOf,
		reads:       make([]uint32, l.NumBins()),
		short:       make([]uint32, l.NumBins()),
		hist:        make([]int64, opt.MaxFragment+1),
		histAuto:    make([]int64, opt.MaxFragment+1),
		other:       make([]int64, len(chromOf)),
	}
	if opt.Dedup == DedupPosition {
		c.dedup = newPosDedup(refs)
	}
	return c
}

func (c *counter) drop(r reason) error {
	c.dropped[r]++
	return nil
}

// add counts one record, or the reason it is not counted. It fails only
// for input that breaks an assumption (unsorted input under position
// deduplication, a bin overflowing).
func (c *counter) add(r *bam.Record) error {
	c.records++
	if c.dedup != nil {
		if err := c.dedup.checkSorted(r, c.records); err != nil {
			return err
		}
	}
	f := r.Flag
	switch {
	case f&bam.FlagUnmapped != 0 || r.RefID < 0 || r.Pos < 0:
		return c.drop(reasonUnmapped)
	case f&bam.FlagSecondary != 0:
		return c.drop(reasonSecondary)
	case f&bam.FlagSupplementary != 0:
		return c.drop(reasonSupplementary)
	case f&bam.FlagQCFail != 0:
		return c.drop(reasonQCFail)
	}
	left, length := r.Pos, int32(0)
	if f&bam.FlagPaired != 0 {
		c.pairedRecs++
		switch {
		case f&bam.FlagRead1 == 0:
			return c.drop(reasonMate)
		case f&bam.FlagMateUnmapped != 0 || r.NextRefID < 0 || r.NextPos < 0:
			return c.drop(reasonMateUnmapped)
		case r.NextRefID != r.RefID:
			return c.drop(reasonMateOtherChrom)
		case c.properOnly && f&bam.FlagProperPair == 0:
			return c.drop(reasonImproperPair)
		}
		length = r.TLen
		if length < 0 {
			length = -length // TLEN is negative on the rightmost mate
		}
		if length > c.maxFragment || length < 0 { // < 0: TLEN = -2^31
			return c.drop(reasonLongFragment)
		}
		left = min(r.Pos, r.NextPos)
	} else {
		c.singleRecs++
	}
	if r.MAPQ < c.minMAPQ {
		return c.drop(reasonLowMAPQ)
	}
	if c.flagDedup && f&bam.FlagDuplicate != 0 || c.dedup != nil && c.dedup.duplicate(r) {
		return c.drop(reasonDuplicate)
	}
	ch := c.chromOf[r.RefID]
	if ch < 0 {
		c.other[r.RefID]++
		return c.drop(reasonOtherContig)
	}
	bin := c.layout.Bin(ch, int(left))
	if bin < 0 {
		return c.drop(reasonOutOfRange)
	}
	if c.reads[bin] == math.MaxUint32 {
		return fmt.Errorf("bin %d holds more than %d reads: use a smaller --bin-size", bin, uint32(math.MaxUint32))
	}
	c.reads[bin]++
	c.kept++
	if length > 0 && f&bam.FlagPaired != 0 {
		c.hist[length]++
		if ch < genome.ChrX {
			c.histAuto[length]++
		}
		if length < c.shortMax {
			c.short[bin]++
		}
	}
	return nil
}
