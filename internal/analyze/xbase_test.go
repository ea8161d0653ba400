package analyze

import (
	"math"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/refset/synth"
)

// TestChrXBaseline: chrX is segmented against the level of the fetal
// complement. For euploid male fetuses (chrX at 1 − f/2 against the
// female-fetus reference) no chrX CNV is called, and the chrX segments sit
// where their bins do (a segment's ratio is the weighted mean of its bins,
// not the chromosome re-centred at 1) with z-scores about the expected
// level (|z| < 4: segment z-scores are N(0, 1) under no change, and eight
// samples with a handful of segments each make a 4-SD excursion a < 1%
// event). A 30 Mb fetal deletion of chrX (a male fetus then has no copy
// there, a female fetus one) is found as a fetal loss in both sexes.
func TestChrXBaseline(t *testing.T) {
	f := fixture(t)
	opt := Options{Config: call.DefaultConfig()}
	x := genome.ChromName(genome.ChrX)
	for i := 0; i < 8; i++ {
		ff := 0.10 + 0.01*float64(i)
		r, err := Analyze(f.Ref, sample(f, synth.Sample{ID: "xy", Male: true, FF: ff, Seed: uint64(900 + i), Trisomy: -1}), opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range r.CNVs {
			if c.Chrom == x {
				t.Errorf("male fetus at FF %.2f: chrX CNV called: %+v", ff, c)
			}
		}
		for _, sg := range r.Segments {
			if sg.Chrom != x {
				continue
			}
			var sw, swx float64
			for _, b := range r.Bins {
				if b.Chrom == x && !b.Masked && b.Start >= sg.Start && b.End <= sg.End {
					sw++
					swx += math.Log2(b.Ratio)
				}
			}
			// Bins weigh by their inverse variance in the segment mean;
			// chrX bins have similar SDs, so the plain mean of their log
			// ratios agrees within a fraction of the level f/2 ≥ 0.05.
			lv := math.Log2(sg.Ratio)
			if math.Abs(lv-swx/sw) > 0.01 {
				t.Errorf("male fetus at FF %.2f: chrX segment %d–%d at log2 ratio %.4f, its bins at %.4f", ff, sg.Start, sg.End, lv, swx/sw)
			}
			if math.Abs(lv-math.Log2(1-ff/2)) > 0.03 && sg.Bins > 20 {
				t.Errorf("male fetus at FF %.2f: chrX segment at log2 ratio %.4f, expected %.4f", ff, lv, math.Log2(1-ff/2))
			}
			if math.Abs(sg.Z) >= 4 {
				t.Errorf("male fetus at FF %.2f: chrX segment %d–%d z %.2f against the male level", ff, sg.Start, sg.End, sg.Z)
			}
		}
	}
	for _, male := range []bool{true, false} {
		s := synth.Sample{ID: "xdel", Male: male, FF: 0.15, Seed: 950, Trisomy: -1,
			CNVs: []synth.CNV{{Chrom: genome.ChrX, Start: 40_000_000, End: 70_000_000}}}
		r, err := Analyze(f.Ref, sample(f, s), opt)
		if err != nil {
			t.Fatal(err)
		}
		// The centromere gap (58–61 Mb) may split the call in two.
		covered := 0
		for _, c := range r.CNVs {
			if c.Chrom == x && c.Type == "loss" && c.Origin == "fetal" {
				covered += max(0, min(c.End, 70_000_000)-max(c.Start, 40_000_000))
			}
		}
		if covered < 20_000_000 {
			t.Errorf("male=%v: 30 Mb fetal chrX deletion not found as a fetal loss (%d Mb covered): %+v", male, covered/1_000_000, r.CNVs)
		}
	}
}
