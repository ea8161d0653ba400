package analyze

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/refset/synth"
)

// wavyGenome draws the 22 autosomes at 100 kb with per-bin SD 0.1, a
// smooth coverage wave of amplitude amp (periods of 20 and 45 Mb, random
// phases) that no reference accounts for, and a loss of level −0.15 over
// bins [400, 480) of chr1.
func wavyGenome(r *rand.Rand, l *genome.Layout, amp float64) call.SegmentInput {
	in := call.SegmentInput{Layout: l, X: make([]float64, l.NumBins()), SD: make([]float64, l.NumBins()),
		Kappa: func(int) float64 { return 1 }, ScaleBins: 30}
	p1, p2 := r.Float64()*2*math.Pi, r.Float64()*2*math.Pi
	for j := range in.X {
		in.X[j] = math.NaN()
	}
	for c := 0; c < genome.ChrX; c++ {
		in.Chroms = append(in.Chroms, c)
		for j := l.Offset[c]; j < l.Offset[c+1]; j++ {
			t := float64(j)
			in.X[j] = amp*(math.Sin(t/200*2*math.Pi+p1)+math.Sin(t/450*2*math.Pi+p2))/math.Sqrt2 + 0.1*r.NormFloat64()
			in.SD[j] = 0.1
			if c == 0 && j >= 400 && j < 480 {
				in.X[j] -= 0.15
			}
		}
	}
	return in
}

// calls counts the segments that would be CNV calls by size and z (≥ 30
// bins, |z| ≥ 3, not whole-chromosome) and reports whether the chr1 loss
// is among them.
func calls(t *testing.T, in call.SegmentInput) (n int, loss bool) {
	t.Helper()
	segs, err := call.Segments(in, call.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range segs {
		if s.Whole || s.Bins < 30 || math.Abs(s.Z) < 3 {
			continue
		}
		if s.Chrom == 0 && s.First < 480 && s.End > 400 && s.Z < 0 {
			loss = true
			continue
		}
		n++
	}
	return n, loss
}

// A sample whose coverage waves the reference never saw (a run it was not
// built from) is noisier over megabases than the reference's κ(n) says.
// Segmentation judged against the reference's noise alone calls the waves
// copy-number changes; judged against the sample's own segment noise
// (ownKappa) it does not, and still finds a real 8 Mb loss (z ≈ 13).
// Without waves ownKappa leaves the noise as it is (η floored at 1).
// Ten genomes each.
func TestSegmentsUseOwnNoise(t *testing.T) {
	l, _ := genome.NewLayout(genome.GRCh38, 100_000)
	r := rand.New(rand.NewPCG(21, 22))
	var before, after, found, plain int
	for range 10 {
		in := wavyGenome(r, l, 0.03)
		n, _ := calls(t, in)
		before += n
		in.Kappa, _ = ownKappa(in)
		n, ok := calls(t, in)
		after += n
		if ok {
			found++
		}
		flat := wavyGenome(r, l, 0)
		k, eta := ownKappa(flat)
		// The MAD-based SD of the ≈ 220 blocks of 128 bins has a relative
		// SE of about 8% (1.17/√n); 1.25 is three of them.
		for i, e := range eta {
			if e > 1.25 {
				t.Errorf("η(%d) = %.3f on a genome without waves", ownKappaSizes[i], e)
			}
		}
		if k(30) > 1.25 {
			t.Errorf("own κ(30) = %.3f on a genome without waves", k(30))
		}
		if _, ok := calls(t, flat); ok {
			plain++
		}
	}
	t.Logf("wave calls: %d with the reference's noise, %d with the sample's own; loss found %d/10 (%d/10 without waves)", before, after, found, plain)
	if before < 10 {
		t.Errorf("only %d wave calls with the reference's noise: the test would prove nothing", before)
	}
	if after > 2 {
		t.Errorf("%d wave calls with the sample's own segment noise, want ≤ 2", after)
	}
	if found < 9 || plain < 10 {
		t.Errorf("8 Mb loss found %d/10 with waves, %d/10 without", found, plain)
	}
}

// Analyze judges segments against the sample's own segment noise: a
// euploid fixture sample given a coverage wave (amplitude 4%, periods of
// 20 and 45 Mb) that the reference never saw gets no CNV call.
func TestAnalyzeWavySampleNoCNV(t *testing.T) {
	f := fixture(t)
	c := sample(f, synth.Sample{ID: "wavy", FF: 0.1, Seed: 51})
	l := c.Layout
	for j := 0; j < l.Offset[genome.ChrX]; j++ {
		x := float64(j)
		w := math.Exp(0.04 * (math.Sin(x/20*2*math.Pi+1) + math.Sin(x/45*2*math.Pi+2)) / math.Sqrt2)
		c.Reads[j] = uint32(math.Round(float64(c.Reads[j]) * w))
		c.Short[j] = min(c.Short[j], c.Reads[j])
	}
	r, err := Analyze(f.Ref, c, Options{Config: call.DefaultConfig(), SexBlind: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range r.CNVs {
		t.Errorf("wave called a CNV: %+v", v)
	}
}
