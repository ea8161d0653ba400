package refset

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/nipt/nipt/internal/annotation"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/loess"
	"github.com/nipt/nipt/internal/normalize"
	"github.com/nipt/nipt/internal/stats"
)

// Fine is the annotation at the counted bin size, kept when a reference is
// built with Options.FineCorrection: samples are GC-corrected and masked
// at that resolution before their bins are merged to the analysis bins.
//
// Why (docs/method.md §4): a sample's GC curve, and the excess reads of a
// blacklisted region, act on the counted bins. Corrected on the merged bins
// with their mean GC, a curved bias is not the curve at the mean
// (Jensen's inequality), and a 100 kb bin keeps the variable excess of a
// blacklisted 10 kb part; both leave sample-specific patterns the PCA must
// learn. On the validation preset fine correction takes the chr21 noise
// ratio from 1.184 to 1.107 and the autosomes' mean from 1.180 to 1.147
// (1.124 for the same genome simulated without any within-bin structure).
type Fine struct {
	// Layout is the counted bin layout; its bin size divides the
	// analysis bin size.
	Layout *genome.Layout
	// GC and Eff are each fine bin's GC fraction and effective length.
	GC, Eff []float32
	// Use marks the fine bins that enter a sample's coverage: some
	// callable bases, a GC value, not blacklisted.
	Use []bool

	coarseOnce sync.Once
	coarse     []int // analysis bin of every fine bin (coarseOf)

	gcqOnce sync.Once
	gcq     []float64 // 5th and 95th percentile of the analysis bins' GC

	sortOnce sync.Once
	byGC     []int32   // the usable fine bins in increasing GC (sortedGC)
	gcSorted []float64 // their GC values, in that order
}

// sortedGC returns the usable fine bins ordered by GC, and their GC values,
// so that a sample's GC curve is evaluated at all of them in one sweep
// (computed once per Fine).
func (f *Fine) sortedGC() ([]int32, []float64) {
	f.sortOnce.Do(func() {
		for i, u := range f.Use {
			if u {
				f.byGC = append(f.byGC, int32(i))
			}
		}
		slices.SortStableFunc(f.byGC, func(a, b int32) int { return cmp.Compare(f.GC[a], f.GC[b]) })
		f.gcSorted = make([]float64, len(f.byGC))
		for k, i := range f.byGC {
			f.gcSorted[k] = float64(f.GC[i])
		}
	})
	return f.byGC, f.gcSorted
}

// AttachFine keeps the annotation a at its own (finer) bin size for fine
// correction; extra flags further blacklisted fine bins (may be nil).
func (s *Static) AttachFine(a *annotation.Annotation, extra []bool) error {
	if a.Layout.BinSize >= s.Layout.BinSize || s.Layout.BinSize%a.Layout.BinSize != 0 {
		return fmt.Errorf("fine correction needs an annotation at a bin size that divides the analysis bin size %d into smaller bins; it is at %d b", s.Layout.BinSize, a.Layout.BinSize)
	}
	if a.Layout.Build != s.Layout.Build {
		return fmt.Errorf("fine annotation is for %s, the reference for %s", a.Layout.Build.Name, s.Layout.Build.Name)
	}
	n := a.Layout.NumBins()
	eff := normalize.EffectiveLength(a)
	f := &Fine{Layout: a.Layout, GC: make([]float32, n), Eff: make([]float32, n), Use: make([]bool, n)}
	for i := range n {
		f.GC[i], f.Eff[i] = float32(a.GC[i]), float32(eff[i])
		// Mappability and gaps are in the effective length, and the
		// analysis bins keep their own mask (low mappability, extreme GC):
		// a fine bin is left out only when it has no callable bases or a
		// blacklisted region's artefactual reads.
		f.Use[i] = eff[i] > 0 && !math.IsNaN(a.GC[i]) && !a.Blacklist[i] && (extra == nil || !extra[i])
	}
	s.Fine = f
	return nil
}

// analysisGCQuantiles returns the 5th and 95th percentiles of the GC of
// the usable autosomal analysis bins, the GC range over which the QC
// gc_bias metric reads a sample's GC curve (computed once per Fine).
func (s *Static) analysisGCQuantiles() []float64 {
	f := s.Fine
	f.gcqOnce.Do(func() {
		var gc []float64
		for i := range s.Layout.Offset[genome.ChrX] {
			if s.Mask[i] == normalize.MaskNone && s.Eff[i] > 0 {
				gc = append(gc, s.GC[i])
			}
		}
		f.gcq = stats.Quantiles(gc, 0.05, 0.95)
	})
	return f.gcq
}

// coarseOf returns, for every fine bin, its analysis bin (computed once
// per Fine: every sample prepared against the reference needs it).
func (s *Static) coarseOf() []int {
	f := s.Fine
	f.coarseOnce.Do(func() {
		fl := f.Layout
		f.coarse = make([]int, fl.NumBins())
		for c := range genome.NumChroms {
			for i := fl.Offset[c]; i < fl.Offset[c+1]; i++ {
				f.coarse[i] = s.Layout.Offset[c] + (i-fl.Offset[c])*fl.BinSize/s.Layout.BinSize
			}
		}
	})
	return f.coarse
}

// prepareFine merges a sample counted at the fine bin size over the usable
// fine bins and returns its reads and short counts per analysis bin, the
// GC-corrected expectation of each analysis bin (the sum over its usable
// fine bins of effective length × the sample's GC curve at their GC,
// fitted on the fine autosomal bins), and the GC curve's bias measure
// (log2 of the curve at the 95th over the 5th GC percentile).
func (s *Static) prepareFine(c *counts.Counts, gc normalize.GCOptions) (reads, short []uint32, expected []float64, gcBias float64, err error) {
	// The build and the counts themselves were checked by Merge, which
	// Prepare calls first; only the bin size is fine correction's own.
	h := &c.Header
	fl := s.Fine.Layout
	cReads, cShort := c.Reads, c.Short
	switch {
	case c.Layout.BinSize == fl.BinSize:
	case c.Layout.BinSize < fl.BinSize && fl.BinSize%c.Layout.BinSize == 0:
		// Counted finer still: merged to the reference's fine bins, as
		// counts are merged to the analysis bins.
		l, k, err := c.Layout.Coarsen(fl.BinSize)
		if err != nil {
			return nil, nil, nil, 0, err
		}
		cReads = genome.Merge(c.Layout, l, k, c.Reads)
		if c.Short != nil {
			cShort = genome.Merge(c.Layout, l, k, c.Short)
		}
	default:
		return nil, nil, nil, 0, fmt.Errorf("sample %s is counted at %d b bins; this reference corrects at %d b bins (built with fine correction), so samples must be counted at %d b or a divisor of it: recount it with nipt count --bin-size %d", h.Sample, h.BinSize, fl.BinSize, fl.BinSize, fl.BinSize)
	}
	co := s.coarseOf()
	nb := s.Layout.NumBins()
	reads = make([]uint32, nb)
	if cShort != nil {
		short = make([]uint32, nb)
	}
	// The GC curve: LOESS of reads per unit effective length on GC over
	// the usable fine autosomal bins of usable analysis bins (an evenly
	// spaced subset of at most maxFineFit bins).
	auto := fl.Offset[genome.ChrX]
	fit := func(f int) bool { return s.Fine.Use[f] && s.Mask[co[f]] == normalize.MaskNone }
	var n int
	var sumEff float64
	for f := range auto {
		if fit(f) {
			n++
			sumEff += float64(s.Fine.Eff[f])
		}
	}
	if n < 100 {
		return nil, nil, nil, 0, fmt.Errorf("sample %s: only %d usable fine autosomal bins", h.Sample, n)
	}
	meanEff := sumEff / float64(n)
	stride := (n + maxFineFit - 1) / maxFineFit
	xs := make([]float64, 0, n/stride+1)
	ys := make([]float64, 0, n/stride+1)
	k := 0
	for f := range auto {
		if fit(f) {
			if k%stride == 0 {
				xs = append(xs, float64(s.Fine.GC[f]))
				ys = append(ys, float64(cReads[f])*meanEff/float64(s.Fine.Eff[f]))
			}
			k++
		}
	}
	curve, err := loess.Fit(xs, ys, loess.Options{Span: gc.Span, Degree: gc.Degree, Iterations: gc.Iterations})
	if err != nil {
		return nil, nil, nil, 0, fmt.Errorf("sample %s: fine GC curve: %w", h.Sample, err)
	}
	// The bias measure at the GC percentiles of the analysis bins, as
	// without fine correction: the fine bins' GC spreads wider, and the
	// same curve would read more biased against the same QC thresholds.
	q := s.analysisGCQuantiles()
	gcBias = math.Inf(1)
	if lo, hi := curve.At(q[0]), curve.At(q[1]); lo > 0 && hi > 0 {
		gcBias = math.Log2(hi / lo)
	}
	// The curve at every usable fine bin, evaluated in one sweep over them
	// in GC order and kept by bin, so that the sums below run in bin order.
	byGC, gcs := s.Fine.sortedGC()
	vals := make([]float64, len(gcs))
	curve.AtSorted(gcs, vals)
	at := make([]float64, fl.NumBins())
	for k, f := range byGC {
		at[f] = vals[k]
	}
	expected = make([]float64, nb)
	for f := range fl.NumBins() {
		if !s.Fine.Use[f] {
			continue
		}
		v := at[f]
		if !(v > 0) {
			continue
		}
		i := co[f]
		reads[i] += cReads[f]
		if short != nil {
			short[i] += cShort[f]
		}
		expected[i] += float64(s.Fine.Eff[f]) * v
	}
	return reads, short, expected, gcBias, nil
}

// maxFineFit: at most this many fine bins enter a sample's GC curve (an
// evenly spaced subset), as maxFitBins does in normalize.Correct: the curve
// is smooth, and 20,000 bins fix it far below a bin's noise.
const maxFineFit = 20000

// check validates decoded fine arrays.
func (f *Fine) check() error {
	n := f.Layout.NumBins()
	if len(f.GC) != n || len(f.Eff) != n || len(f.Use) != n {
		return errors.New("fine annotation arrays do not match their layout")
	}
	for i := range n {
		if f.Use[i] && !(f.Eff[i] > 0) {
			return fmt.Errorf("fine bin %d is usable with no effective length", i)
		}
	}
	return nil
}
