package count

import (
	"errors"
	"testing"

	"github.com/nipt/nipt/internal/bam"
	"github.com/nipt/nipt/internal/genome"
)

// testCounter returns a counter over GRCh38 at 1 Mb bins whose references
// are chr1, chr2 and chrM (RefIDs 0, 1, 2).
func testCounter(t *testing.T, mod func(*Options)) *counter {
	t.Helper()
	opt := DefaultOptions()
	opt.BinSize = 1_000_000
	if mod != nil {
		mod(&opt)
	}
	if err := opt.Validate(); err != nil {
		t.Fatal(err)
	}
	l, err := genome.NewLayout(genome.GRCh38, opt.BinSize)
	if err != nil {
		t.Fatal(err)
	}
	refs := []genome.Contig{{Name: "chr1", Length: genome.GRCh38.Lengths[0]}, {Name: "chr2", Length: genome.GRCh38.Lengths[1]}, {Name: "chrM", Length: 16569}}
	return newCounter(&opt, l, []int{0, 1, -1}, refs)
}

const (
	pe1 = bam.FlagPaired | bam.FlagProperPair | bam.FlagRead1
	pe2 = bam.FlagPaired | bam.FlagProperPair | bam.FlagRead2
)

func TestFilterReasons(t *testing.T) {
	se := func(flag uint16, mapq uint8) bam.Record {
		return bam.Record{RefID: 0, Pos: 1_500_000, MAPQ: mapq, Flag: flag, NextRefID: -1, NextPos: -1}
	}
	pe := func(flag uint16, mref, mpos, tlen int32) bam.Record {
		return bam.Record{RefID: 0, Pos: 2_000_100, MAPQ: 60, Flag: flag, NextRefID: mref, NextPos: mpos, TLen: tlen}
	}
	const kept = reason(-1)
	for _, tc := range []struct {
		name   string
		rec    bam.Record
		mod    func(*Options)
		want   reason
		bin    int // expected global bin when kept
		length int32
	}{
		{"se kept", se(0, 60), nil, kept, 1, 0},
		{"se reverse kept", se(bam.FlagReverse, 1), nil, kept, 1, 0},
		{"unmapped", se(bam.FlagUnmapped, 60), nil, reasonUnmapped, 0, 0},
		{"no ref", bam.Record{RefID: -1, Pos: -1, NextRefID: -1, NextPos: -1}, nil, reasonUnmapped, 0, 0},
		{"secondary", se(bam.FlagSecondary, 60), nil, reasonSecondary, 0, 0},
		{"supplementary", se(bam.FlagSupplementary, 60), nil, reasonSupplementary, 0, 0},
		{"qcfail", se(bam.FlagQCFail, 60), nil, reasonQCFail, 0, 0},
		{"unmapped beats secondary", se(bam.FlagUnmapped|bam.FlagSecondary, 60), nil, reasonUnmapped, 0, 0},
		{"mapq 0", se(0, 0), nil, reasonLowMAPQ, 0, 0},
		{"mapq 29 < 30", se(0, 29), func(o *Options) { o.MinMAPQ = 30 }, reasonLowMAPQ, 0, 0},
		{"mapq 0 allowed", se(0, 0), func(o *Options) { o.MinMAPQ = 0 }, kept, 1, 0},
		{"dup flag", se(bam.FlagDuplicate, 60), nil, reasonDuplicate, 0, 0},
		{"dup flag kept with none", se(bam.FlagDuplicate, 60), func(o *Options) { o.Dedup = DedupNone }, kept, 1, 0},
		{"dup flag ignored by position", se(bam.FlagDuplicate, 60), func(o *Options) { o.Dedup = DedupPosition }, kept, 1, 0},
		{"other contig", bam.Record{RefID: 2, Pos: 5, MAPQ: 60, NextRefID: -1, NextPos: -1}, nil, reasonOtherContig, 0, 0},
		{"beyond chromosome end", bam.Record{RefID: 0, Pos: int32(genome.GRCh38.Lengths[0]), MAPQ: 60, NextRefID: -1, NextPos: -1}, nil, reasonOutOfRange, 0, 0},
		{"pair read1 kept at mate start", pe(pe1|bam.FlagReverse, 0, 2_000_000, -250), nil, kept, 2, 250},
		{"pair read1 kept at own start", pe(pe1, 0, 2_000_300, 350), nil, kept, 2, 350},
		{"pair leftmost in previous bin", pe(pe1|bam.FlagReverse, 0, 999_990, -1000), nil, kept, 0, 1000},
		{"pair short", pe(pe1, 0, 2_000_150, 140), nil, kept, 2, 140},
		{"pair read2", pe(pe2, 0, 2_000_000, 250), nil, reasonMate, 0, 0},
		{"pair read2 secondary", pe(pe2|bam.FlagSecondary, 0, 2_000_000, 250), nil, reasonSecondary, 0, 0},
		{"mate unmapped", pe(bam.FlagPaired|bam.FlagRead1|bam.FlagMateUnmapped, 0, 2_000_100, 0), nil, reasonMateUnmapped, 0, 0},
		{"mate other chrom", pe(bam.FlagPaired|bam.FlagRead1, 1, 5, 0), nil, reasonMateOtherChrom, 0, 0},
		{"improper counted", pe(bam.FlagPaired|bam.FlagRead1, 0, 2_000_400, 450), nil, kept, 2, 450},
		{"improper dropped", pe(bam.FlagPaired|bam.FlagRead1, 0, 2_000_400, 450), func(o *Options) { o.ProperPairs = true }, reasonImproperPair, 0, 0},
		{"long fragment", pe(pe1, 0, 2_100_100, 1001), nil, reasonLongFragment, 0, 0},
		{"fragment at max", pe(pe1, 0, 2_000_500, 1000), nil, kept, 2, 1000},
		{"tlen minint", pe(pe1, 0, 2_000_500, -1<<31), nil, reasonLongFragment, 0, 0},
		{"pair no tlen", pe(pe1, 0, 2_000_500, 0), nil, kept, 2, 0},
		{"pair low mapq", bam.Record{RefID: 0, Pos: 10, MAPQ: 0, Flag: pe1, NextRefID: 0, NextPos: 50, TLen: 200}, nil, reasonLowMAPQ, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := testCounter(t, tc.mod)
			if err := c.add(&tc.rec); err != nil {
				t.Fatal(err)
			}
			if tc.want == kept {
				if c.kept != 1 || c.reads[tc.bin] != 1 {
					t.Fatalf("not counted in bin %d (kept %d, dropped %v)", tc.bin, c.kept, c.dropped)
				}
				if tc.length > 0 && c.hist[tc.length] != 1 {
					t.Errorf("fragment length %d not histogrammed", tc.length)
				}
				if want := uint32(0); tc.length > 0 && tc.length < DefaultShortMax {
					want = 1
					if c.short[tc.bin] != want {
						t.Errorf("short count %d, want %d", c.short[tc.bin], want)
					}
				} else if c.short[tc.bin] != 0 {
					t.Errorf("counted as short")
				}
				return
			}
			if c.kept != 0 || c.dropped[tc.want] != 1 {
				t.Fatalf("want dropped as %s; kept %d, dropped %v", Reasons[tc.want], c.kept, c.dropped)
			}
		})
	}
}

func TestPositionDedup(t *testing.T) {
	c := testCounter(t, func(o *Options) { o.Dedup = DedupPosition })
	recs := []bam.Record{
		{RefID: 0, Pos: 100, MAPQ: 60, NextRefID: -1, NextPos: -1},                        // kept
		{RefID: 0, Pos: 100, MAPQ: 60, NextRefID: -1, NextPos: -1},                        // dup
		{RefID: 0, Pos: 100, MAPQ: 60, Flag: bam.FlagReverse, NextRefID: -1, NextPos: -1}, // other strand: kept
		{RefID: 0, Pos: 100, MAPQ: 60, Flag: pe1, NextRefID: 0, NextPos: 300, TLen: 350},  // pair: kept
		{RefID: 0, Pos: 100, MAPQ: 60, Flag: pe1, NextRefID: 0, NextPos: 300, TLen: 350},  // pair dup
		{RefID: 0, Pos: 100, MAPQ: 60, Flag: pe1, NextRefID: 0, NextPos: 301, TLen: 351},  // other mate start: kept
		{RefID: 0, Pos: 100, MAPQ: 0, Flag: pe1, NextRefID: 0, NextPos: 302, TLen: 351},   // low mapq, not remembered
		{RefID: 0, Pos: 100, MAPQ: 60, Flag: pe1, NextRefID: 0, NextPos: 302, TLen: 352},  // so this is kept
		{RefID: 0, Pos: 101, MAPQ: 60, NextRefID: -1, NextPos: -1},                        // new position: kept
		{RefID: 1, Pos: 101, MAPQ: 60, NextRefID: -1, NextPos: -1},                        // new reference: kept
		{RefID: -1, Pos: -1, Flag: bam.FlagUnmapped, NextRefID: -1, NextPos: -1},          // unplaced, last
	}
	for i := range recs {
		if err := c.add(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if c.kept != 7 || c.dropped[reasonDuplicate] != 2 || c.dropped[reasonLowMAPQ] != 1 {
		t.Errorf("kept %d, dropped %v", c.kept, c.dropped)
	}
	// Many distinct keys at one position switch to the map; duplicates are
	// still found.
	c = testCounter(t, func(o *Options) { o.Dedup = DedupPosition })
	for round := range 2 {
		for m := range int32(3 * setThreshold) {
			r := bam.Record{RefID: 0, Pos: 500, MAPQ: 60, Flag: pe1, NextRefID: 0, NextPos: 500 + m, TLen: 100 + m}
			if err := c.add(&r); err != nil {
				t.Fatal(err)
			}
		}
		if want := int64((round + 1) * 3 * setThreshold); c.records != want {
			t.Fatal(c.records)
		}
	}
	if c.kept != 3*setThreshold || c.dropped[reasonDuplicate] != 3*setThreshold {
		t.Errorf("pile-up: kept %d, duplicates %d", c.kept, c.dropped[reasonDuplicate])
	}
}

func TestUnsorted(t *testing.T) {
	for name, recs := range map[string][]bam.Record{
		"position decreases":    {{RefID: 0, Pos: 100}, {RefID: 0, Pos: 99}},
		"reference decreases":   {{RefID: 1, Pos: 100}, {RefID: 0, Pos: 200}},
		"placed after unplaced": {{RefID: -1, Pos: -1, Flag: bam.FlagUnmapped}, {RefID: 0, Pos: 5}},
	} {
		c := testCounter(t, func(o *Options) { o.Dedup = DedupPosition })
		var err error
		for i := range recs {
			recs[i].NextRefID, recs[i].NextPos = -1, -1
			if err = c.add(&recs[i]); err != nil {
				break
			}
		}
		if !errors.Is(err, ErrUnsorted) {
			t.Errorf("%s: error %v", name, err)
		}
		// Without position dedup the same order is fine.
		c = testCounter(t, nil)
		for i := range recs {
			if err := c.add(&recs[i]); err != nil {
				t.Errorf("%s with --dedup flag: %v", name, err)
			}
		}
	}
}
