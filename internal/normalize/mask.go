package normalize

import (
	"math"
	"sort"

	"github.com/nipt/nipt/internal/annotation"
	"github.com/nipt/nipt/internal/genome"
)

// Mask reasons, in the order they are tested (a bin gets the first that
// applies).
const (
	MaskNone         uint8 = iota
	MaskGap                // more than half of the bin is assembly gap (N), or no GC value
	MaskMappability        // mean mappability below MinMappability
	MaskBlacklist          // blacklisted region
	MaskExtremeGC          // GC outside the central GCQuantileRange of autosomal bins
	MaskLowCoverage        // reference median coverage below MinRelCoverage
	MaskHighCoverage       // reference median coverage above MaxRelCoverage
	MaskHighVariance       // cohort variance an outlier among bins
	MaskChrY               // chrY bin not specific to male pregnancies
	numMaskReasons
)

// MaskNames names the mask reasons (index = reason code).
var MaskNames = [numMaskReasons]string{"", "gap", "low_mappability", "blacklist", "extreme_gc", "low_coverage", "high_coverage", "high_variance", "chrY_nonspecific"}

// Static masking thresholds.
const (
	// MaxGapFraction: a bin with more than half of its bases N has too few
	// called bases for a stable count and sits at the edge of an assembly
	// gap, where read placement is unreliable.
	MaxGapFraction = 0.5
	// MinMappability: QDNAseq (Scheinin et al. 2014) drops bins with mean
	// mappability below 50%; their counts depend on aligner and read length
	// more than on copy number.
	MinMappability = 0.5
	// GCQuantileRange: bins outside the central 99% of the autosomal GC
	// distribution are too sparse for the LOESS fit to follow the GC-bias
	// curve (its window there holds only bins on one side).
	GCQuantileRange = 0.99
)

// StaticMask marks the bins of a that no analysis can use, with the reason
// code per bin (MaskNone for usable bins). Extra blacklisted bins (e.g. from
// a BED file) are OR-ed in through blacklist (may be nil).
func StaticMask(a *annotation.Annotation, blacklist []bool) []uint8 {
	l := a.Layout
	n := l.NumBins()
	m := make([]uint8, n)
	var auto []float64
	for i := 0; i < l.Offset[genome.ChrX]; i++ {
		if g := a.GC[i]; !math.IsNaN(g) && a.N[i] <= MaxGapFraction {
			auto = append(auto, g)
		}
	}
	lo, hi := math.Inf(-1), math.Inf(1)
	if len(auto) > 0 {
		sort.Float64s(auto)
		tail := (1 - GCQuantileRange) / 2
		lo, hi = quantileSorted(auto, tail), quantileSorted(auto, 1-tail)
	}
	for i := 0; i < n; i++ {
		g := a.GC[i]
		switch {
		case math.IsNaN(g) || !(a.N[i] <= MaxGapFraction):
			m[i] = MaskGap
		case !(a.Map[i] >= MinMappability): // NaN (unknown) counts as low
			m[i] = MaskMappability
		case a.Blacklist[i] || (blacklist != nil && blacklist[i]):
			m[i] = MaskBlacklist
		case g < lo || g > hi:
			m[i] = MaskExtremeGC
		}
	}
	return m
}

// quantileSorted is the type-7 quantile of sorted, non-empty x.
func quantileSorted(x []float64, p float64) float64 {
	h := p * float64(len(x)-1)
	i := int(h)
	if i >= len(x)-1 {
		return x[len(x)-1]
	}
	return x[i] + (h-float64(i))*(x[i+1]-x[i])
}

// EffectiveLength returns each bin's effective length in bases: its length
// times the called (non-N) fraction times the mean mappability. Bins with
// unknown mappability get their called length.
func EffectiveLength(a *annotation.Annotation) []float64 {
	l := a.Layout
	e := make([]float64, l.NumBins())
	for i := range e {
		_, s, en := l.Locate(i)
		v := float64(en-s) * (1 - a.N[i])
		if mp := a.Map[i]; !math.IsNaN(mp) {
			v *= mp
		}
		e[i] = v
	}
	return e
}
