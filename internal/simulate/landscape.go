package simulate

import (
	"fmt"
	"math"

	"github.com/nipt/nipt/internal/annotation"
	"github.com/nipt/nipt/internal/genome"
)

// refScale is the genomic scale (100 kb) at which bin-noise amplitudes are
// specified, so that the model means the same at any bin size: independent
// noise of SD σ per 100 kb is σ·√(100 kb / bin size) per bin.
const refScale = 100_000.0

// Landscape is everything shared by the samples of one simulated laboratory:
// the genome annotation, the per-bin library bias, the batch profiles and the
// fetal coverage-preference profile. It is read-only after construction and
// safe for concurrent use.
type Landscape struct {
	Ann    *annotation.Annotation
	Layout *genome.Layout
	Seed   uint64
	Params Params

	effLen  []float64 // callable bases per bin (0 for gaps, chrY PAR, chromosome-end stubs)
	mapp    []float64 // mappability in [0, 1] (NaN → 0)
	gc      []float64 // GC fraction (NaN → genome mean)
	gcx     []float64 // (GC − centre)/0.1, clipped to ±3
	parX    []float64 // fraction of the bin inside an X pseudoautosomal region
	yWeight []float64 // female chrY background weight (mean 1 over callable chrY)
	library []float64 // log library bias
	fetal   []float64 // fetal preference (multiplicative, mean 1)
	batch   [][]float64
	shape   float64 // gamma shape of the per-bin overdispersion
	shapeBL float64 // the same in blacklisted bins (extra sample noise)
}

// NewLandscape builds the shared landscape for annotation a from seed.
func NewLandscape(a *annotation.Annotation, p Params, seed uint64) (*Landscape, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("simulation parameters: %w", err)
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	l := a.Layout
	n := l.NumBins()
	ls := &Landscape{Ann: a, Layout: l, Seed: seed, Params: p,
		effLen: make([]float64, n), mapp: make([]float64, n), gc: make([]float64, n), gcx: make([]float64, n),
		parX: make([]float64, n), yWeight: make([]float64, n)}
	xPAR, yPAR := l.Build.PARs()
	for i := range n {
		c, s, e := l.Locate(i)
		m := a.Map[i]
		if math.IsNaN(m) {
			m = 0
		}
		ls.mapp[i] = min(max(m, 0), 1)
		g := a.GC[i]
		if !math.IsNaN(g) && l.Build.Lengths[c]-s >= maxFragment {
			ls.effLen[i] = float64(e-s) * (1 - a.N[i])
		}
		if math.IsNaN(g) {
			g = p.GC.Center
		}
		ls.gc[i] = g
		ls.gcx[i] = min(max((g-p.GC.Center)/0.1, -3), 3)
		switch c {
		case genome.ChrX:
			ls.parX[i] = overlapFrac(s, e, xPAR[:])
		case genome.ChrY:
			if overlapFrac(s, e, yPAR[:]) > 0 {
				// chrY PARs are hard-masked in analysis sets: their reads
				// align to the X PARs.
				ls.effLen[i] = 0
			}
		}
	}
	// Female chrY background weights ∝ 1 − mappability, mean 1.
	var sw, sl float64
	for i := l.Offset[genome.ChrY]; i < l.Offset[genome.ChrY+1]; i++ {
		sw += ls.effLen[i] * (1 - ls.mapp[i])
		sl += ls.effLen[i]
	}
	for i := l.Offset[genome.ChrY]; i < l.Offset[genome.ChrY+1]; i++ {
		switch {
		case sw > 0:
			ls.yWeight[i] = (1 - ls.mapp[i]) * sl / sw
		case sl > 0:
			ls.yWeight[i] = 1
		}
	}
	bs := float64(l.BinSize)
	ls.library = field(l, p.Library, seed, streamLibrary, 0)
	rb := newRand(seed, streamBlack)
	for i, bl := range a.Blacklist {
		z := rb.NormFloat64()
		if bl {
			ls.library[i] += p.Blacklist.SharedSD * math.Abs(z)
		}
	}
	for k := range p.Batch.Rank {
		ls.batch = append(ls.batch, field(l, FieldParams{SmoothSD: 1, Length: p.Batch.Length}, seed, streamBatch, k))
	}
	ls.fetal = field(l, p.FetalProfile, seed, streamFetal, 0)
	// Normalise the fetal preference to mean 1 over callable autosomal bases,
	// so that the genome-wide fetal share of reads stays the fetal fraction.
	var num, den float64
	for i := 0; i < l.Offset[genome.ChrX]; i++ {
		ls.fetal[i] = math.Exp(ls.fetal[i])
		num += ls.effLen[i] * ls.fetal[i]
		den += ls.effLen[i]
	}
	for i := l.Offset[genome.ChrX]; i < n; i++ {
		ls.fetal[i] = math.Exp(ls.fetal[i])
	}
	if num > 0 {
		for i := range ls.fetal {
			ls.fetal[i] *= den / num
		}
	}
	cv := p.Overdispersion * math.Sqrt(refScale/bs)
	bl := p.Blacklist.SampleCV * math.Sqrt(refScale/bs)
	ls.shape, ls.shapeBL = gammaShape(cv*cv), gammaShape(cv*cv+bl*bl)
	return ls, nil
}

// gammaShape is the shape of a mean-1 gamma with variance v.
func gammaShape(v float64) float64 {
	if v <= 0 {
		return math.Inf(1)
	}
	return 1 / v
}

// field draws a log-scale random profile: a stationary AR(1) process per
// chromosome (the discretised Ornstein–Uhlenbeck process, correlation
// exp(−distance/Length)) of SD SmoothSD, plus independent noise of SD
// NoiseSD·√(100 kb / bin size).
func field(l *genome.Layout, fp FieldParams, seed uint64, stream, k int) []float64 {
	out := make([]float64, l.NumBins())
	bs := float64(l.BinSize)
	noise := fp.NoiseSD * math.Sqrt(refScale/bs)
	phi := 0.0
	if fp.Length > 0 {
		phi = math.Exp(-bs / fp.Length)
	}
	innov := math.Sqrt(1 - phi*phi)
	for c := range genome.NumChroms {
		r := newRand(seed, uint64(stream), uint64(k), uint64(c))
		x := r.NormFloat64()
		for i := l.Offset[c]; i < l.Offset[c+1]; i++ {
			if i > l.Offset[c] {
				x = phi*x + innov*r.NormFloat64()
			}
			out[i] = fp.SmoothSD*x + noise*r.NormFloat64()
		}
	}
	return out
}

// batchEffect returns the loadings, GC-curve terms and technical
// fragment-size terms of a sequencing batch.
// They depend only on the landscape seed and the batch label, so that every
// sample of a run, in any cohort, shares them.
func (ls *Landscape) batchEffect(label string) (load []float64, slope, curv float64, size sizeDraw) {
	p := &ls.Params
	r := newRand(mix(ls.Seed, hashString(label)), streamLoading)
	load = make([]float64, p.Batch.Rank)
	for k := range load {
		load[k] = p.Batch.LoadingSD * r.NormFloat64()
	}
	slope = p.GC.SlopeBatchSD * r.NormFloat64()
	curv = p.GC.CurvBatchSD * r.NormFloat64()
	size.drawTechnical(r, p, true)
	return load, slope, curv, size
}

// overlapFrac is the fraction of [s, e) covered by the spans.
func overlapFrac(s, e int, spans []genome.Interval) float64 {
	cov := 0
	for _, sp := range spans {
		cov += max(0, min(e, sp.End)-max(s, sp.Start))
	}
	return float64(cov) / float64(e-s)
}
