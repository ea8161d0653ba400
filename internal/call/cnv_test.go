package call

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nipt/nipt/internal/genome"
)

// TestSegmentsFindStep: a 10 Mb fetal duplication at FF 15% on chr5 of a
// 100 kb genome with per-bin SD 0.1 (z ≈ 0.104/0.1·√100 = 10) is found with
// its ends within 2 bins; chr1 (noise only) stays one segment.
func TestSegmentsFindStep(t *testing.T) {
	l, _ := genome.NewLayout(genome.GRCh38, 100_000)
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, l.NumBins())
	sd := make([]float64, l.NumBins())
	for j := range x {
		x[j] = math.NaN()
	}
	shift := math.Log2(1 + 0.15/2)
	for _, c := range []int{0, 4} {
		for j := l.Offset[c]; j < l.Offset[c+1]; j++ {
			x[j] = 0.1 * r.NormFloat64()
			sd[j] = 0.1
			pos := (j - l.Offset[c]) * 100_000
			if c == 4 && pos >= 50_000_000 && pos < 60_000_000 {
				x[j] += shift
			}
		}
	}
	segs, err := Segments(SegmentInput{Layout: l, X: x, SD: sd, Chroms: []int{0, 4}}, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var n1 int
	found := false
	for _, s := range segs {
		if s.Chrom == 0 {
			n1++
		}
		if s.Chrom == 4 && s.Z > 5 {
			found = true
			if math.Abs(float64(s.Start-50_000_000)) > 200_000 || math.Abs(float64(s.Stop-60_000_000)) > 200_000 {
				t.Errorf("segment %d-%d, want 50-60 Mb within 2 bins", s.Start, s.Stop)
			}
			// mean within 4 SE of the truth
			if math.Abs(s.Mean-shift) > 4*s.SE {
				t.Errorf("segment mean %.4f, want %.4f ± %.4f", s.Mean, shift, 4*s.SE)
			}
		}
	}
	if !found {
		t.Errorf("duplication not found: %+v", segs)
	}
	if n1 != 1 {
		t.Errorf("chr1 (noise only) split into %d segments", n1)
	}
}

func TestClassifyOrigin(t *testing.T) {
	cfg := DefaultConfig()
	ff := FFPrior{Value: 0.10, SE: 0.01}
	for _, tc := range []struct {
		name  string
		ratio float64
		want  string
		cn    float64
	}{
		{"fetal deletion", 1 - 0.05, "fetal", 1},
		{"fetal duplication", 1 + 0.05, "fetal", 3},
		{"maternal duplication", 1 + 0.45, "maternal", 3},
		{"maternal deletion", 1 - 0.45, "maternal", 1},
		{"inherited maternal deletion", 0.5, "maternal", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sg := Segment{Mean: math.Log2(tc.ratio), SE: 0.01}
			o := ClassifyOrigin(sg, ff, cfg)
			if o.Label != tc.want {
				t.Errorf("origin %s (fetal %.3f, maternal %.3f), want %s", o.Label, o.PFetal, o.PMaternal, tc.want)
			}
			// Copy number of the carrier within 0.15 of the truth (the
			// maternal formula assumes a non-inherited change).
			if math.Abs(o.CopyNumber-tc.cn) > 0.15 && tc.name != "inherited maternal deletion" {
				t.Errorf("copy number %.2f, want %.0f", o.CopyNumber, tc.cn)
			}
		})
	}
	// An imprecise estimate reading almost zero (0.14%, SE 3 points) does
	// not blow up the displayed fetal copy number of a 2% gain: with the
	// posterior mean of the fetal fraction (≥ 2% here) it stays below 4,
	// where dividing by the estimate gave 30.
	if o := ClassifyOrigin(Segment{Mean: math.Log2(1.02), SE: 0.005}, FFPrior{Value: 0.0014, SE: 0.03}, cfg); o.CopyNumber < 2 || o.CopyNumber > 4 {
		t.Errorf("copy number %.2f for a 2%% gain at an estimate of 0.14%%", o.CopyNumber)
	}
	// A level between the fetal and maternal ranges with a large SE is
	// uncertain.
	o := ClassifyOrigin(Segment{Mean: math.Log2(1.22), SE: 0.1}, ff, cfg)
	if o.Label != "uncertain" {
		t.Errorf("ambiguous level labelled %s", o.Label)
	}
}

// Without a fetal-fraction estimate (single-end data whose models are not
// informative) the origin rests on the population distribution of fetal
// fractions: a maternal deletion or duplication (ratio ≈ 1 ∓ 0.45, or 0.5
// inherited) is maternal and a change of a few percent fetal. Under a
// flat distribution up to 50% a fetal loss of both copies at a fetal
// fraction near 50% explained ratio 0.5 as well, and the maternal
// deletions were "uncertain".
func TestClassifyOriginWithoutEstimate(t *testing.T) {
	cfg := DefaultConfig()
	unknown := FFPrior{Value: math.NaN()}
	for _, tc := range []struct {
		name  string
		ratio float64
		want  string
	}{
		{"maternal deletion", 1 - 0.45, "maternal"},
		{"inherited maternal deletion", 0.5, "maternal"},
		{"maternal duplication", 1 + 0.45, "maternal"},
		{"fetal deletion", 1 - 0.05, "fetal"},
		{"fetal duplication", 1 + 0.05, "fetal"},
	} {
		o := ClassifyOrigin(Segment{Mean: math.Log2(tc.ratio), SE: 0.01}, unknown, cfg)
		if o.Label != tc.want {
			t.Errorf("%s without an estimate: origin %s (fetal %.4f, maternal %.4f), want %s", tc.name, o.Label, o.PFetal, o.PMaternal, tc.want)
		}
	}
	// The posterior without an estimate is the population distribution:
	// its mean is the log-normal's, Median·exp(LogSD²/2).
	pop := cfg.PopulationFF()
	f, w := unknown.gridWith(pop)
	var mean float64
	for i := range f {
		mean += w[i] * f[i]
	}
	if want := pop.Median * math.Exp(pop.LogSD*pop.LogSD/2); math.Abs(mean-want) > 0.002 {
		t.Errorf("mean fetal fraction without an estimate %.4f, population mean %.4f", mean, want)
	}
}

// Origin.LogLR: a segment at a fetal or maternal copy-number level is
// better explained by a change than by none; a long segment with a small
// shift — z 3.5, but at a fifth of the fetal level — is not.
func TestOriginLogLR(t *testing.T) {
	cfg := DefaultConfig()
	ff := FFPrior{Value: 0.15, SE: 0.01}
	for _, tc := range []struct {
		name     string
		mean, se float64
		change   bool
	}{
		{"fetal loss", math.Log2(1 - 0.15/2), 0.02, true},
		{"fetal gain, z 4", math.Log2(1 + 0.15/2), math.Log2(1+0.15/2) / 4, true},
		{"maternal gain", math.Log2(1.5), 0.03, true},
		{"small shift, z 3.5", math.Log2(1 + 0.15/10), math.Log2(1+0.15/10) / 3.5, false},
	} {
		o := ClassifyOrigin(Segment{Mean: tc.mean, SE: tc.se}, ff, cfg)
		if (o.LogLR > 0) != tc.change {
			t.Errorf("%s: log LR %.2f", tc.name, o.LogLR)
		}
	}
}
