package refset

import (
	"fmt"
	"math"
	"slices"

	"github.com/nipt/nipt/internal/annotation"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/fetalfraction"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/normalize"
	"github.com/nipt/nipt/internal/stats"
)

// Static is the part of a reference that comes from the genome annotation
// at the analysis bin size: what every sample needs for GC correction.
type Static struct {
	Layout *genome.Layout
	GC     []float64
	Eff    []float64 // effective length (called bases × mappability)
	Mask   []uint8   // static mask reasons (normalize.StaticMask)
	// Fine, when set, is the annotation at the counted bin size: samples
	// are corrected there before merging (Options.FineCorrection).
	Fine *Fine
}

// NewStatic derives the static part from an annotation at any bin size that
// divides binSize (coarsening it), plus optional extra blacklisted bins
// (indexed at binSize, may be nil).
func NewStatic(a *annotation.Annotation, binSize int, blacklist []bool) (*Static, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if a.Layout.BinSize != binSize {
		l, k, err := a.Layout.Coarsen(binSize)
		if err != nil {
			return nil, fmt.Errorf("annotation at %d b bins cannot serve the analysis bin size %d: %w", a.Layout.BinSize, binSize, err)
		}
		if a, err = a.Coarsen(l, k); err != nil {
			return nil, err
		}
	}
	if blacklist != nil && len(blacklist) != a.Layout.NumBins() {
		return nil, fmt.Errorf("blacklist has %d bins, layout %d", len(blacklist), a.Layout.NumBins())
	}
	return &Static{
		Layout: a.Layout,
		GC:     append([]float64(nil), a.GC...),
		Eff:    normalize.EffectiveLength(a),
		Mask:   normalize.StaticMask(a, blacklist),
	}, nil
}

// Merge checks that c can be analysed at the static layout and returns its
// read and short-fragment counts merged to the analysis bin size.
func (s *Static) Merge(c *counts.Counts) (reads, short []uint32, err error) {
	h := &c.Header
	name := h.Sample
	if h.Build != s.Layout.Build.Name {
		return nil, nil, fmt.Errorf("sample %s was counted on %s but the reference is %s: recount the sample against %s", name, h.Build, s.Layout.Build.Name, s.Layout.Build.Name)
	}
	if c.Layout == nil || c.Layout.BinSize != h.BinSize {
		return nil, nil, fmt.Errorf("sample %s: counts layout does not match its header", name)
	}
	if err := c.Validate(); err != nil {
		return nil, nil, fmt.Errorf("sample %s: %w", name, err)
	}
	if h.BinSize == s.Layout.BinSize {
		return c.Reads, c.Short, nil
	}
	l, k, err := c.Layout.Coarsen(s.Layout.BinSize)
	if err != nil {
		return nil, nil, fmt.Errorf("sample %s: counted at %d b bins, analysis at %d b: %w", name, h.BinSize, s.Layout.BinSize, err)
	}
	reads = genome.Merge(c.Layout, l, k, c.Reads)
	if c.Short != nil {
		short = genome.Merge(c.Layout, l, k, c.Short)
	}
	return reads, short, nil
}

// Prepare merges and GC-corrects one sample and returns its stored profile
// and its coverage (with the per-bin expected counts, which the analysis
// needs for Poisson variances).
func (s *Static) Prepare(c *counts.Counts, gc normalize.GCOptions) (*SampleProfile, *normalize.Coverage, error) {
	all, short, err := s.Merge(c)
	if err != nil {
		return nil, nil, err
	}
	reads, eff := all, s.Eff
	fineBias := math.NaN()
	if s.Fine != nil {
		// Corrected and masked at the counted bins, then merged: the
		// expectation replaces the effective length, so normalize.Correct
		// only levels what is left (docs/method.md §4).
		if reads, short, eff, fineBias, err = s.prepareFine(c, gc); err != nil {
			return nil, nil, err
		}
	}
	cov, err := normalize.Correct(s.Layout, reads, eff, s.GC, s.Mask, gc)
	if err != nil {
		return nil, nil, fmt.Errorf("sample %s: %w", c.Header.Sample, err)
	}
	if !math.IsNaN(fineBias) {
		cov.GCBias = fineBias
	}
	filters := c.Header.Filters
	p := &SampleProfile{
		Filters:       &filters,
		ID:            c.Header.Sample,
		Runs:          slices.Clone(c.Header.Runs),
		Reads:         c.Header.QC.Kept,
		DuplicateRate: c.Header.QC.DuplicateRate,
		Paired:        c.Header.Paired,
		ShortFraction: math.NaN(),
		GCBias:        cov.GCBias,
		Rel:           make([]float32, len(cov.Rel)),
	}
	if p.Reads == 0 {
		for _, v := range all {
			p.Reads += int64(v)
		}
	}
	for i, v := range cov.Rel {
		p.Rel[i] = float32(v)
		// Keep the stored precision as the working precision, so that a
		// reference grown from stored profiles equals one built from counts.
		cov.Rel[i] = float64(p.Rel[i])
	}
	for c := 0; c < genome.NumChroms; c++ {
		for i := s.Layout.Offset[c]; i < s.Layout.Offset[c+1]; i++ {
			p.ChromReads[c] += int64(all[i])
			if s.Mask[i] == normalize.MaskNone {
				p.UsedReads[c] += int64(reads[i])
			}
		}
	}
	auto := s.Layout.Offset[genome.ChrX]
	if short != nil {
		var sr, ss float64
		for i := 0; i < auto; i++ {
			if s.Mask[i] == normalize.MaskNone {
				sr += float64(reads[i])
				ss += float64(short[i])
			}
		}
		if sr > 0 {
			p.ShortFraction = ss / sr
		}
	}
	if short != nil {
		p.BinReads = append([]uint32(nil), reads...)
		p.BinShort = append([]uint32(nil), short...)
	}
	if c.Header.Paired {
		p.SizeProfile = fetalfraction.SizeProfile(c.Header.QC.FragmentHistogram)
		p.SizeProfileAutosomes = fetalfraction.SizeProfile(c.Header.QC.FragmentHistogramAutosomes)
	}
	p.Noise = noiseRatio(s.Layout, cov)
	return p, cov, nil
}

// noiseRatio is the MAPD (median absolute difference of consecutive usable
// autosomal bins' log2 coverage) divided by the MAPD that Poisson sampling
// alone would give: 1 for an ideal library. For two independent normal
// values with variances v₁, v₂ the median |difference| is 0.6745·√(v₁+v₂).
func noiseRatio(l *genome.Layout, cov *normalize.Coverage) float64 {
	n := l.Offset[genome.ChrX]
	d, e := make([]float64, 0, n), make([]float64, 0, n)
	for c := 0; c < genome.ChrX; c++ {
		prev := -1
		for i := l.Offset[c]; i < l.Offset[c+1]; i++ {
			if math.IsNaN(cov.Rel[i]) {
				continue
			}
			if prev >= 0 {
				d = append(d, math.Abs(math.Log2(cov.Rel[i])-math.Log2(cov.Rel[prev])))
				v := 1/cov.Expected[i] + 1/cov.Expected[prev]
				e = append(e, v)
			}
			prev = i
		}
	}
	if len(d) == 0 {
		return math.NaN()
	}
	exp := 0.6745 * math.Sqrt(stats.Median(e)) / math.Ln2
	return stats.Median(d) / exp
}

// MAPD returns the median absolute difference of consecutive finite values
// within each chromosome of x (global bins), over autosomes.
func MAPD(l *genome.Layout, x []float64) float64 {
	var d []float64
	for c := 0; c < genome.ChrX; c++ {
		prev := math.NaN()
		for i := l.Offset[c]; i < l.Offset[c+1]; i++ {
			if math.IsNaN(x[i]) {
				continue
			}
			if !math.IsNaN(prev) {
				d = append(d, math.Abs(x[i]-prev))
			}
			prev = x[i]
		}
	}
	return stats.Median(d)
}
