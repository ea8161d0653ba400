package analyze

import (
	"math"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/refset"
	"github.com/nipt/nipt/internal/refset/synth"
	"github.com/nipt/nipt/internal/result"
)

// TestDepthRobustness analyses euploid samples far shallower than their
// reference and requires that only the noise changes with depth. The
// reference: 30 samples at 4 M reads, 500 kb bins (≈ 690 reads per bin);
// tests: 16 samples (half of each fetal sex, FF 6–18%) at 0.6 M (≈ 100 reads
// per bin, just above the 0.5 M QC floor), 1.5 M and 4 M reads. At each
// depth:
//
//   - the 22 × 16 autosomal z-scores have mean within 4 SE of 0 (SE =
//     1/√352 = 0.053) and SD in [0.75, 1.3] (the null SDs come from 30
//     references, a relative error of ≈ 13% per chromosome that averages
//     over 22 of them; before the fix the shallowest samples had mean z
//     −0.3 to −2 from the depth-dependent bias of log counts);
//   - no female fetus gets chrY z ≥ 3 or is called male, and the female
//     fetuses' mean chrY z lies within 4 SE of 0 (SE = 1/√8; an empty chrY
//     bin used to count as half a read, several times a female
//     pregnancy's chrY background at low depth: z 5.5 and "male" on the
//     real pipeline at 0.85 M reads);
//   - the female fetuses' fetal-fraction estimate (sex-blind: they have no
//     chrY estimate) has a mean error within 4 SE of 0;
//   - the shallow samples get no more autosomal CNV calls than the
//     reference-depth ones plus 3. (At 4 M reads this small fixture — 30
//     references, 500 kb — already gives 4–5 spurious calls among 16
//     samples, above the nominal 0.1 per sample, with or without the depth
//     fix; what matters here is that depth adds none: before the fix the
//     real pipeline called a 66 Mb fetal loss at 0.85 M reads.)
func TestDepthRobustness(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 500 kb reference (≈ 1 s)")
	}
	f, err := refset.NewFixtureAt(500_000, 30, 4_000_000, 23)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Config: call.DefaultConfig(), SexBlind: false}
	depths := []int{4_000_000, 1_500_000, 600_000}
	cnvAt := map[int]int{}
	for _, reads := range depths {
		var zs, ffErr, zy []float64
		cnvs := 0
		for i := 0; i < 16; i++ {
			s := synth.Sample{ID: "depth", Male: i%2 == 1, FF: 0.06 + 0.12*float64(i)/15, Reads: reads, Paired: true,
				Trisomy: -1, Seed: uint64(3000 + i), Batch: i % 3}
			c := f.Model.Counts(&s)
			r, err := Analyze(f.Ref, c, opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range r.Chromosomes {
				if ch.Chrom != genome.ChromName(genome.ChrX) {
					zs = append(zs, ch.Z)
				}
			}
			for _, v := range r.CNVs {
				if v.Chrom != genome.ChromName(genome.ChrX) {
					cnvs++
					t.Logf("%d reads, sample %d: CNV %+v", reads, i, v)
				}
			}
			if !s.Male {
				if r.SCA.ZY >= 3 || r.FetalSex == "male" {
					t.Errorf("%d reads: female fetus at FF %.3f has chrY z %.2f, fetal sex %s", reads, s.FF, r.SCA.ZY, r.FetalSex)
				}
				zy = append(zy, r.SCA.ZY)
				ffErr = append(ffErr, r.FetalFraction.Value-s.FF)
			}
			if r.QC.Status == result.QCFail {
				t.Errorf("%d reads: QC failed: %v", reads, r.QC.Reasons)
			}
		}
		m, se := meanSE(zs)
		sd := se * math.Sqrt(float64(len(zs)))
		fm, fse := meanSE(ffErr)
		ym, _ := meanSE(zy)
		t.Logf("%d reads: autosomal z mean %.3f SD %.3f; female FF error %.4f ± %.4f, chrY z mean %.2f; %d CNV calls", reads, m, sd, fm, fse, ym, cnvs)
		if math.Abs(ym) > 4/math.Sqrt(float64(len(zy))) {
			t.Errorf("%d reads: female fetuses' chrY z-scores biased: mean %.2f", reads, ym)
		}
		if math.Abs(m) > 4/math.Sqrt(float64(len(zs))) {
			t.Errorf("%d reads: autosomal z-scores biased: mean %.3f", reads, m)
		}
		if sd < 0.75 || sd > 1.3 {
			t.Errorf("%d reads: autosomal z-scores have SD %.3f", reads, sd)
		}
		if math.Abs(fm) > 4*fse {
			t.Errorf("%d reads: female fetal fraction biased by %.4f (SE %.4f)", reads, fm, fse)
		}
		cnvAt[reads] = cnvs
		if cnvs > cnvAt[depths[0]]+3 {
			t.Errorf("%d reads: %d autosomal CNV calls in 16 euploid samples, %d at %d reads", reads, cnvs, cnvAt[depths[0]], depths[0])
		}
	}
}

// A sample far deeper than its reference reports its depth ratio and
// warns (its calls are conservative); one at the reference's depth (the
// fixture's 2 M reads) passes.
func TestDepthRatioQC(t *testing.T) {
	f := fixture(t)
	opt := Options{Config: call.DefaultConfig()}
	var ratios [2]float64
	for k, mult := range []int{1, 5} {
		s := synth.Sample{ID: "deep", FF: 0.1, Reads: mult * 2_000_000, Paired: true, Trisomy: -1, Seed: 77}
		r, err := Analyze(f.Ref, f.Model.Counts(&s), opt)
		if err != nil {
			t.Fatal(err)
		}
		var m *result.Metric
		for i := range r.QC.Metrics {
			if r.QC.Metrics[i].Name == "depth_ratio" {
				m = &r.QC.Metrics[i]
			}
		}
		if m == nil {
			t.Fatalf("%d× depth: no depth_ratio metric", mult)
		}
		ratios[k] = m.Value
		want := result.QCPass
		if mult == 5 {
			want = result.QCWarn
		}
		if m.Status != want || math.Abs(m.Value/float64(mult)-1) > 0.2 {
			t.Errorf("%d× the reference's reads: depth_ratio %.2f (%s), want ≈ %d (%s)", mult, m.Value, m.Status, mult, want)
		}
	}
	if math.Abs(ratios[1]/ratios[0]-5) > 0.25 {
		t.Errorf("depth ratios %.2f and %.2f for 1× and 5× the reads", ratios[0], ratios[1])
	}
}
