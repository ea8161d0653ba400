package call

import (
	"fmt"
	"math"

	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/segment"
	"github.com/nipt/nipt/internal/stats"
)

// wholeChrom: a segment spanning at least 90% of a chromosome's usable bins
// is a whole-chromosome dosage change, handled by the aneuploidy model, not
// a CNV.
const wholeChrom = 0.9

// Segment is a run of bins with a common normalised level.
type Segment struct {
	Chrom       int
	First, End  int     // global bin range [First, End) of the segment's usable bins
	Start, Stop int     // base range [Start, Stop)
	Bins        int     // usable bins
	Mean        float64 // weighted mean log2 ratio of the bins (their actual level)
	// Base is the level expected without a CNV (SegmentInput.Base; 0 on
	// autosomes): Z, the gain/loss direction and the origin refer to
	// Mean − Base.
	Base  float64
	SE    float64
	Z     float64
	Whole bool // spans (almost) the whole chromosome
}

// Delta is the segment's log2 change against its expected level.
func (s Segment) Delta() float64 { return s.Mean - s.Base }

// SegmentInput is the normalised genome of one sample.
type SegmentInput struct {
	Layout *genome.Layout
	// X is the log2 ratio and SD its SD per global bin (NaN = masked).
	X, SD []float64
	// Kappa returns the factor by which the noise of the mean of n bins
	// exceeds what the per-bin SDs predict for independent bins (see
	// refset.Reference.Kappa); nil means 1.
	Kappa func(n int) float64
	// Chroms lists the chromosomes to segment.
	Chroms []int
	// ScaleBins is the segment length at which CBS's noise level is set:
	// the unit-weight SD passed to CBS is Kappa(ScaleBins), so that split
	// tests see the noise of CNV-sized segments rather than the
	// first-difference noise, which misses correlated noise.
	ScaleBins int
	// Centre lists chromosomes whose bins are centred on their weighted
	// median before segmentation, so that only changes relative to the
	// rest of the chromosome are found (a fallback for chrX when its
	// expected level is unknown; see Base).
	Centre []int
	// Base is the expected log2 level of each global bin without a CNV
	// (nil: 0 everywhere) and BaseSE its uncertainty, common to the bins
	// of a chromosome (nil: 0). chrX is measured against female-fetus
	// pregnancies, so for a 46,XY fetus at fetal fraction f its bins sit at
	// log2(1 − f/2) (at 0 in the pseudoautosomal regions, where the fetus
	// has X and Y copies). Segmentation runs on X − Base, and segment
	// z-scores, directions and origins are relative to Base; a segment's
	// Mean stays the actual level of its bins. Centre overrides Base.
	Base, BaseSE []float64
}

// Segments runs circular binary segmentation (package segment) on each
// chromosome with inverse-variance weights and summarises every segment.
// The split significance is cfg.CNVFalseCalls divided by the number of
// chromosomes, so that a sample without any change gets a spurious split
// somewhere in the genome with probability about cfg.CNVFalseCalls (CBS
// p-values account for the search over all arcs of a chromosome).
func Segments(in SegmentInput, cfg Config) ([]Segment, error) {
	l := in.Layout
	var out []Segment
	for _, c := range in.Chroms {
		lo, hi := l.Offset[c], l.Offset[c+1]
		x := in.X[lo:hi]
		var base []float64
		if in.Base != nil {
			base = in.Base[lo:hi]
		}
		w := make([]float64, hi-lo)
		usable := 0
		for i := range w {
			if sd := in.SD[lo+i]; sd > 0 && !math.IsNaN(x[i]) {
				w[i] = 1 / (sd * sd)
				usable++
			}
		}
		if usable < 2 {
			continue
		}
		centred := false
		for _, cc := range in.Centre {
			if cc != c {
				continue
			}
			centred = true
			var vals, wts []float64
			for i := range x {
				if w[i] > 0 {
					vals = append(vals, x[i])
					wts = append(wts, w[i])
				}
			}
			med := stats.WeightedMedian(vals, wts)
			xc := make([]float64, len(x))
			for i := range x {
				xc[i] = x[i] - med
			}
			x = xc
		}
		if centred {
			base = nil
		}
		y := x // what CBS sees: the change against the expected level
		if base != nil {
			y = make([]float64, len(x))
			for i := range x {
				y[i] = x[i] - base[i]
			}
		}
		alpha := cfg.CNVFalseCalls / float64(len(in.Chroms))
		sdUnit := 1.0
		if in.Kappa != nil {
			sdUnit = in.Kappa(max(in.ScaleBins, 1))
		}
		segs, err := segment.CBS(y, segment.Options{Alpha: alpha, Weights: w, SD: sdUnit})
		if err != nil {
			return nil, fmt.Errorf("segmenting %s: %w", genome.ChromName(c), err)
		}
		for _, s := range segs {
			sg := Segment{Chrom: c, First: -1}
			var sw, swx, swb, swbe float64
			for i := s.Start; i < s.End; i++ {
				if w[i] == 0 {
					continue
				}
				if sg.First < 0 {
					sg.First = lo + i
				}
				sg.End = lo + i + 1
				sg.Bins++
				sw += w[i]
				swx += w[i] * x[i]
				if base != nil {
					swb += w[i] * base[i]
					if in.BaseSE != nil {
						swbe += w[i] * in.BaseSE[lo+i]
					}
				}
			}
			if sg.Bins == 0 {
				continue
			}
			sg.Mean = swx / sw
			sg.Base = swb / sw
			k := 1.0
			if in.Kappa != nil {
				k = in.Kappa(sg.Bins)
			}
			// The expected level's error is common to all bins (it comes
			// from the fetal fraction), so it adds to the segment's SE
			// whatever its length.
			sg.SE = math.Hypot(k/math.Sqrt(sw), swbe/sw)
			sg.Z = sg.Delta() / sg.SE
			_, sg.Start, _ = l.Locate(sg.First)
			_, _, sg.Stop = l.Locate(sg.End - 1)
			sg.Whole = float64(sg.Bins) >= wholeChrom*float64(usable)
			out = append(out, sg)
		}
	}
	return out, nil
}

// cnvState is one explanation of a segment's level.
type cnvState struct {
	maternal  bool
	inherited bool
	cn        int // copy number of the carrier (fetus, or mother)
}

// ratio is the expected dosage ratio of the state at fetal fraction f.
func (s cnvState) ratio(f float64) float64 {
	d := float64(s.cn - 2)
	switch {
	case !s.maternal:
		return 1 + d*f/2
	case s.inherited:
		return 1 + d/2
	default:
		return 1 + d*(1-f)/2
	}
}

// cnvStates: fetal copy numbers 0, 1, 3, 4; maternal heterozygous deletion
// or duplication, inherited by the fetus or not.
var cnvStates = []cnvState{
	{cn: 0}, {cn: 1}, {cn: 3}, {cn: 4},
	{maternal: true, cn: 1}, {maternal: true, cn: 3},
	{maternal: true, inherited: true, cn: 1}, {maternal: true, inherited: true, cn: 3},
}

// Origin is the classification of a segment.
type Origin struct {
	PFetal, PMaternal float64
	Label             string  // "fetal", "maternal" or "uncertain"
	CopyNumber        float64 // estimated copy number of the carrier
	// LogLR is the log likelihood ratio of a copy-number change (the
	// fetal and maternal states, equally weighted) against no change, for
	// the segment's level: below 0 the level is better explained by no
	// change than by any copy-number state — a small shift that is
	// significant only because the segment is long.
	LogLR float64
}

// ClassifyOrigin weighs fetal against maternal explanations of a segment's
// level: a fetal change moves the dosage by f/2 per copy, a maternal one by
// about (1 − f)/2 (half the genome copies are the mother's at ≈ 1 − f
// share), far more. Priors: fetal and maternal one half each, spread evenly
// over their states; the likelihood integrates over the posterior of the
// fetal fraction (the estimate times the population distribution, as the
// trisomy calls and the fetal-CNV scan use it). Without an estimate the
// population distribution alone: a flat distribution up to 50% would let a
// fetal deletion of both copies at a fetal fraction of 50% explain a
// maternal deletion's ratio of ≈ 0.5 as well, and every maternal CNV of a
// sample without a fetal fraction (single-end data without an informative
// model) came out "uncertain" — and was dropped below 3 Mb.
func ClassifyOrigin(sg Segment, ff FFPrior, cfg Config) Origin {
	fs, ws := ff.gridWith(cfg.PopulationFF())
	var lf, lm []float64
	for _, st := range cnvStates {
		terms := make([]float64, len(fs))
		for i, f := range fs {
			r := st.ratio(f)
			if r <= 0 {
				terms[i] = math.Inf(-1)
				continue
			}
			terms[i] = math.Log(ws[i]) + logNormal(sg.Delta(), math.Log2(r), sg.SE)
		}
		v := logSumExp(terms)
		if st.maternal {
			lm = append(lm, v+math.Log(0.5/4))
		} else {
			lf = append(lf, v+math.Log(0.5/4))
		}
	}
	a, b := logSumExp(lf), logSumExp(lm)
	n := logSumExp([]float64{a, b})
	o := Origin{PFetal: math.Exp(a - n), PMaternal: math.Exp(b - n), Label: "uncertain"}
	o.LogLR = n - logNormal(sg.Delta(), 0, sg.SE)
	if math.IsNaN(o.PFetal) {
		o.PFetal, o.PMaternal = 0, 0
	}
	switch {
	case o.PFetal >= cfg.OriginPosterior:
		o.Label = "fetal"
	case o.PMaternal >= cfg.OriginPosterior:
		o.Label = "maternal"
	}
	delta := math.Exp2(sg.Delta()) - 1
	// The fetal fraction behind the displayed copy number is its posterior
	// mean (estimate × population distribution, as the trisomy calls use):
	// a sex-blind estimate reading 0.1% would otherwise turn a spurious
	// 2% dip into a fetal copy number of 40. Without an estimate the
	// population distribution alone gives it.
	pf, pw := ff.gridWith(cfg.PopulationFF())
	var fv float64
	for i, f := range pf {
		fv += pw[i] * f
	}
	if math.IsNaN(fv) || fv <= 0 {
		fv = 0.1 // degenerate population settings: a typical fetal fraction
	}
	if o.PMaternal > o.PFetal {
		o.CopyNumber = 2 + 2*delta/(1-fv)
	} else {
		o.CopyNumber = 2 + 2*delta/fv
	}
	o.CopyNumber = math.Max(o.CopyNumber, 0)
	return o
}
