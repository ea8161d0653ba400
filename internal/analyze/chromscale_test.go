package analyze

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/refset/synth"
	"github.com/nipt/nipt/internal/result"
)

// chromScale keeps in the dosage only what forms one chromosome-scale
// change: pieces at one level covering half the chromosome, or anything
// covering nearly all of it.
func TestChromScale(t *testing.T) {
	// Segments on chr10 (index 9) of 1,000 usable bins; levels in log2,
	// SE 0.1/√bins.
	seg := func(bins int, delta float64) call.Segment {
		return call.Segment{Chrom: 9, Bins: bins, Mean: delta, SE: 0.1 / math.Sqrt(float64(bins))}
	}
	var usable [genome.NumChroms]int
	usable[9] = 1000
	f2 := math.Log2(1 + 0.15/2) // a fetal gain at FF 15%
	for _, tc := range []struct {
		name string
		segs []call.Segment
		want []int
	}{
		// A 13 Mb fetal gain and the weak remainder CBS split off beside
		// it: 52% together, at very different levels.
		{"CNV and remainder", []call.Segment{seg(90, f2), seg(430, 0.006), seg(480, 0)}, nil},
		// A trisomy cut in two pieces at one level (within noise): 70%.
		{"cut trisomy", []call.Segment{seg(300, f2), seg(400, f2*1.02), seg(300, 0)}, []int{0, 1}},
		// A trisomy with a maternal gain inside: the maternal CNV stays out.
		{"trisomy and maternal CNV", []call.Segment{seg(40, math.Log2(1.5)), seg(900, f2), seg(60, f2)}, []int{1, 2}},
		// A loss and a gain together covering 95%, neither half: nearly
		// the whole chromosome changed, whatever the pieces.
		{"broken chromosome", []call.Segment{seg(450, -0.5), seg(300, 0.2), seg(200, -0.2), seg(50, 0)}, []int{0, 1, 2}},
		// One gain on 40%: a CNV.
		{"CNV", []call.Segment{seg(400, f2), seg(600, 0)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sig := make([]bool, len(tc.segs))
			for i, s := range tc.segs {
				sig[i] = math.Abs(s.Delta()/s.SE) >= 3
			}
			got := chromScale(tc.segs, sig, usable)
			if !slices.Equal(got, tc.want) {
				t.Errorf("chromScale = %v, want %v", got, tc.want)
			}
		})
	}
}

// A 20 Mb fetal gain on chr20 (a third of it) at FF 12% can move the
// whole chromosome's dosage past the rare-trisomy threshold without
// segmentation splitting it out; before the scan looked for partial
// changes on such chromosomes, 3 of these 12 samples were called T20 and
// reported no CNV. Now none is called T20 and the gain is reported in at
// least 9 of 12 (10 with these seeds; the others are scan misses at a
// chromosome dosage of z 1.6–1.7). A trisomy 20 at the same fetal
// fraction stays a trisomy, with no CNV on chr20.
func TestPartialGainIsNotATrisomy(t *testing.T) {
	if testing.Short() {
		t.Skip("16 analyses")
	}
	f := fixture(t)
	opt := Options{Config: call.DefaultConfig()}
	cnv := synth.CNV{Chrom: 19, Start: 6_000_000, End: 26_000_000, Gain: true}
	found := 0
	for i := range 12 {
		c := sample(f, synth.Sample{ID: fmt.Sprintf("dup20-%d", i), FF: 0.12, Reads: 4_000_000, Seed: uint64(1000 + i), CNVs: []synth.CNV{cnv}})
		r, err := Analyze(f.Ref, c, opt)
		if err != nil {
			t.Fatal(err)
		}
		if fd := finding(r, "T20"); fd.Call == result.HighRisk {
			t.Errorf("%s: partial gain called T20 (z %.2f); CNVs %+v", c.Header.Sample, fd.Z, r.CNVs)
		}
		for _, v := range r.CNVs {
			if v.Chrom == "chr20" && v.Type == "gain" && v.Start < cnv.End && cnv.Start < v.End {
				found++
				break
			}
		}
	}
	if found < 9 {
		t.Errorf("chr20 gain reported in %d of 12 samples, want ≥ 9", found)
	}
	for i := range 4 {
		tri := sample(f, synth.Sample{ID: fmt.Sprintf("t20-%d", i), FF: 0.12, Reads: 4_000_000, Seed: uint64(950 + i), Trisomy: 19})
		r, err := Analyze(f.Ref, tri, opt)
		if err != nil {
			t.Fatal(err)
		}
		if fd := finding(r, "T20"); fd.Call != result.HighRisk {
			t.Errorf("%s: trisomy 20 called %s (z %.2f)", tri.Header.Sample, fd.Call, fd.Z)
		}
		for _, v := range r.CNVs {
			if v.Chrom == "chr20" {
				t.Errorf("%s: trisomy 20 also reported as CNV %+v", tri.Header.Sample, v)
			}
		}
	}
}
