package refset

import (
	"bytes"
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/normalize"
	"github.com/nipt/nipt/internal/refset/synth"
	"gonum.org/v1/gonum/stat/distuv"
)

// fineCounts draws a sample's counts at the fine bins of g: each bin's
// expectation is its effective length times the sample's own curved GC
// bias at the bin's GC, and a blacklisted bin carries a sample-specific
// excess of `excess` times its expectation.
func fineCounts(t *testing.T, g *synth.Genome, st *Static, id string, slope, curv, excess float64, seed uint64) *counts.Counts {
	t.Helper()
	return fineCountsAt(t, g, st, id, 2e-3, slope, curv, excess, seed) // ≈ 200 reads per 100 kb
}

// fineCountsAt is fineCounts at perBase expected reads per callable base.
func fineCountsAt(t *testing.T, g *synth.Genome, st *Static, id string, perBase, slope, curv, excess float64, seed uint64) *counts.Counts {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	l := g.Ann.Layout
	c := counts.New(l, false)
	c.Header.Sample = id
	for i := range l.NumBins() {
		e := float64(st.Fine.Eff[i])
		gc := float64(st.Fine.GC[i])
		if !(e > 0) || math.IsNaN(gc) {
			continue
		}
		x := gc - 0.41
		mu := e * perBase * math.Exp(slope*x+curv*x*x)
		if g.Ann.Blacklist[i] {
			mu *= 1 + excess
		}
		c.Reads[i] = uint32(distuv.Poisson{Lambda: mu, Src: r}.Rand())
	}
	return c
}

// fineStatic returns a synthetic genome annotated at 100 kb and a Static
// for 1 Mb analysis bins that corrects at its 100 kb bins.
func fineStatic(t *testing.T) (*synth.Genome, *Static) {
	t.Helper()
	g, err := synth.NewGenome(100_000, 5)
	if err != nil {
		t.Fatal(err)
	}
	fine, err := NewStatic(g.Ann, 1_000_000, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := fine.AttachFine(g.Ann, nil); err != nil {
		t.Fatal(err)
	}
	return g, fine
}

// Fine correction removes what a sample's own curved GC bias and its
// blacklist artefacts leave inside merged bins: between two samples with
// different GC curves and blacklist excesses, the difference of their
// analysis-bin log coverages varies less with it than without it, and
// about as little as two samples that share both.
func TestFineCorrectionRemovesWithinBinEffects(t *testing.T) {
	g, fine := fineStatic(t)
	coarse, err := NewStatic(g.Ann, 1_000_000, nil)
	if err != nil {
		t.Fatal(err)
	}
	opt := FixtureOptions().GC
	sd := func(st *Static, a, b *counts.Counts) float64 {
		pa, _, err := st.Prepare(a, opt)
		if err != nil {
			t.Fatal(err)
		}
		pb, _, err := st.Prepare(b, opt)
		if err != nil {
			t.Fatal(err)
		}
		var d []float64
		for i := 0; i < st.Layout.Offset[genome.ChrX]; i++ {
			x, y := float64(pa.Rel[i]), float64(pb.Rel[i])
			if x > 0 && y > 0 {
				d = append(d, math.Log2(x/y))
			}
		}
		var m, ss float64
		for _, v := range d {
			m += v
		}
		m /= float64(len(d))
		for _, v := range d {
			ss += (v - m) * (v - m)
		}
		return math.Sqrt(ss / float64(len(d)-1))
	}
	// Two samples with opposite GC curvature and blacklist excess, and a
	// pair that shares one curve (the Poisson floor).
	a := fineCounts(t, g, fine, "a", 1.5, -40, 0.0, 11)
	b := fineCounts(t, g, fine, "b", -1.5, 40, 3.0, 12)
	c := fineCounts(t, g, fine, "c", 1.5, -40, 0.0, 13)
	floor := sd(fine, a, c)
	withFine, without := sd(fine, a, b), sd(coarse, a, b)
	t.Logf("SD of log2 coverage differences: fine %.4f, merged %.4f, same-curve floor %.4f", withFine, without, floor)
	if !(withFine < without) {
		t.Errorf("fine correction SD %.4f not below the merged correction's %.4f", withFine, without)
	}
	// Within 10% of the floor: what is left is counting noise.
	if withFine > 1.1*floor {
		t.Errorf("fine correction SD %.4f, more than 10%% above the same-curve floor %.4f", withFine, floor)
	}
	// The QC gc_bias metric reads the curve over the analysis bins' GC
	// range with either correction: a linear bias of slope 3 per unit GC
	// gives the same value (log2 e^{3·Δ}, Δ the 5–95% GC range) both ways,
	// not a larger one from the fine bins' wider GC spread.
	lin := fineCounts(t, g, fine, "lin", 3, 0, 0, 14)
	pf, _, err := fine.Prepare(lin, opt)
	if err != nil {
		t.Fatal(err)
	}
	pc, _, err := coarse.Prepare(lin, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("gc_bias: fine %.3f, merged %.3f", pf.GCBias, pc.GCBias)
	if math.Abs(pf.GCBias-pc.GCBias) > 0.1*math.Abs(pc.GCBias) {
		t.Errorf("gc_bias %.3f with fine correction, %.3f without: not the same measure", pf.GCBias, pc.GCBias)
	}
	// A sample counted at the analysis bin size cannot be corrected finely.
	l1, k, err := g.Ann.Layout.Coarsen(1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	merged := counts.New(l1, false)
	merged.Header.Sample = "m"
	merged.Reads = genome.Merge(g.Ann.Layout, l1, k, a.Reads)
	if _, _, err := fine.Prepare(merged, opt); err == nil || !strings.Contains(err.Error(), "recount it with nipt count --bin-size 100000") {
		t.Errorf("sample at the analysis bin size: error %v", err)
	}
}

// At very low depth a fine bin holds one or two reads, and a robust LOESS
// on such discrete counts could bend the curve; the corrected coverage of
// a sample at ~1.3 reads per fine bin with a strongly curved GC bias
// (e^{3x − 40x²}: about −20% at the GC extremes) must still be flat in
// GC: the mean relative coverage of the GC-poorest and GC-richest thirds
// of the analysis bins within 2% of the middle third's (measured 1.027,
// 1.012, 1.024; the correction at the analysis bins gives 1.025, 1.013,
// 1.026 on the same counts, and both are flat to 0.2% at 10 times the
// depth).
func TestFineCorrectionAtLowDepth(t *testing.T) {
	g, fine := fineStatic(t)
	c := fineCountsAt(t, g, fine, "low", 1.5e-5, 3, -40, 0, 21)
	var tot, n float64
	for _, v := range c.Reads {
		tot += float64(v)
	}
	for _, u := range fine.Fine.Use {
		if u {
			n++
		}
	}
	t.Logf("%.2f reads per usable fine bin", tot/n)
	p, _, err := fine.Prepare(c, FixtureOptions().GC)
	if err != nil {
		t.Fatal(err)
	}
	type bin struct{ gc, rel float64 }
	var bins []bin
	for i := range fine.Layout.Offset[genome.ChrX] {
		if fine.Mask[i] == normalize.MaskNone && p.Rel[i] > 0 {
			bins = append(bins, bin{fine.GC[i], float64(p.Rel[i])})
		}
	}
	slices.SortFunc(bins, func(a, b bin) int { return cmp.Compare(a.gc, b.gc) })
	mean := func(bs []bin) float64 {
		var s float64
		for _, b := range bs {
			s += b.rel
		}
		return s / float64(len(bs))
	}
	k := len(bins) / 3
	lo, mid, hi := mean(bins[:k]), mean(bins[k:len(bins)-k]), mean(bins[len(bins)-k:])
	t.Logf("corrected coverage by GC third: %.4f %.4f %.4f", lo, mid, hi)
	for _, v := range []float64{lo, hi} {
		if math.Abs(v/mid-1) > 0.02 {
			t.Errorf("after fine correction at low depth the GC thirds read %.4f, %.4f, %.4f", lo, mid, hi)
			break
		}
	}
}

// A reference built with fine correction keeps its fine annotation through
// a write and a read (whole or model-only), and the samples it stores are
// the fine-corrected ones.
func TestFineReferenceRoundTrip(t *testing.T) {
	g, err := synth.NewGenome(100_000, 7)
	if err != nil {
		t.Fatal(err)
	}
	m := synth.NewModel(g, 8)
	co := m.Draw(synth.EuploidSamples("fine", 24, 2_000_000, true, 9))
	st, err := NewStatic(g.Ann, 1_000_000, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AttachFine(g.Ann, nil); err != nil {
		t.Fatal(err)
	}
	opt := FixtureOptions()
	opt.MinSamples = 20
	ps := make([]*SampleProfile, len(co.Counts))
	for i, c := range co.Counts {
		if ps[i], _, err = st.Prepare(c, opt.GC); err != nil {
			t.Fatal(err)
		}
	}
	ref, err := Fit(st, ps, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !ref.Options.FineCorrection || ref.FineBinSize != 100_000 {
		t.Fatalf("fit: fine correction %v at %d b", ref.Options.FineCorrection, ref.FineBinSize)
	}
	var buf bytes.Buffer
	if err := Write(&buf, ref); err != nil {
		t.Fatal(err)
	}
	back, err := Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if f := back.Static.Fine; f == nil || f.Layout.BinSize != 100_000 || len(f.Use) != g.Ann.Layout.NumBins() {
		t.Fatalf("fine annotation lost in the round trip: %+v", back.Static.Fine)
	}
	if eq, err := Equal(ref, back); err != nil || !eq {
		t.Errorf("round trip changed the reference (%v)", err)
	}
	// The analysis path prepares a new sample the same way.
	p1, _, err := st.Prepare(co.Counts[0], opt.GC)
	if err != nil {
		t.Fatal(err)
	}
	p2, _, err := back.Static.Prepare(co.Counts[0], opt.GC)
	if err != nil {
		t.Fatal(err)
	}
	for i := range p1.Rel {
		if p1.Rel[i] != p2.Rel[i] && !(math.IsNaN(float64(p1.Rel[i])) && math.IsNaN(float64(p2.Rel[i]))) {
			t.Fatalf("bin %d: %v prepared by the built static, %v by the read one", i, p1.Rel[i], p2.Rel[i])
		}
	}
}
