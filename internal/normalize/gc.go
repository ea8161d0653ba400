package normalize

import (
	"errors"
	"fmt"
	"math"

	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/loess"
	"github.com/nipt/nipt/internal/stats"
)

// GCOptions controls GC correction. The zero value selects the loess
// package defaults (span 0.75, local quadratic, 3 robustness iterations:
// GC bias is a smooth, nearly quadratic function of GC over the range that
// holds almost all bins; see package loess for the reasoning).
type GCOptions struct {
	Span       float64
	Degree     int
	Iterations int
}

// ZeroReads is the half read added to every count of chr1–22 and chrX
// before it becomes a relative coverage whose logarithm the analysis takes.
// For a Poisson count X of mean μ, E[log(X + 1/2)] = log μ + O(μ⁻²): the
// 1/2 cancels the −1/(2μ) bias of the logarithm (Anscombe 1948, Biometrika
// 35:246), whereas log max(X, 1/2) — the earlier rule, which only kept zero
// counts finite — is biased by −1/(2μ). That bias depends on the depth:
// at 100 kb it is −0.4% per bin at 4 M reads but −2% at 0.8 M, and it
// varies between bins with their expected count, so a sample much
// shallower than its reference got biased chromosome dosages. With the
// half read the log ratios of a bin are unbiased at any depth (to
// O(μ⁻²): 0.06% at μ = 28) and a zero count still gives a finite value.
const ZeroReads = 0.5

// maxFitBins: at most this many autosomal bins (an evenly spaced subset)
// enter the LOESS fit. The GC curve is smooth and fitted over windows of
// 75% of the points, so 8,000 bins determine it to about 1/√6,000 of a
// bin's noise — far below anything downstream — while the fit costs a
// quarter of what 30,000 bins at 100 kb (or 57,000 at 50 kb) would.
const maxFitBins = 8000

// minFitFraction: a bin whose fitted GC curve falls below this fraction of
// the curve's median lies where the LOESS extrapolates into near-empty GC
// ranges; it is left out for the sample rather than divided by a tiny value.
const minFitFraction = 0.05

// Coverage is one sample's GC-corrected coverage.
type Coverage struct {
	// Rel[i] is the bin's reads relative to a typical autosomal bin of the
	// same GC content and effective length: 1 on average over autosomes for
	// a euploid sample (median exactly 1); NaN for masked bins. On chr1–22
	// and chrX the count is (reads + ZeroReads), so that log Rel is unbiased
	// at any depth; on chrY it is the plain count (reads / Expected, 0 for an
	// empty bin), because chrY enters the analysis only through sums of
	// coverage, which the half read would bias upwards by 1/(2·Expected) per
	// bin — several times a female pregnancy's chrY background at low depth.
	Rel []float64
	// Expected[i] is the read count that corresponds to Rel = 1 (the
	// divisor), NaN for masked bins. A bin's Poisson variance of Rel is
	// Rel/Expected.
	Expected []float64
	// GCBias is log2 of the fitted read density at the 95th over the 5th
	// percentile of autosomal bin GC: 0 for no GC bias.
	GCBias float64
	// AutosomalReads is the number of reads in the autosomal bins used.
	AutosomalReads float64
}

// Correct GC-corrects reads (per bin of layout l) using the effective
// length eff and GC fraction gc of each bin; bins with mask[i] != MaskNone
// are skipped. The LOESS curve is fitted on autosomal bins only, so that
// fetal sex and sex-chromosome aneuploidies cannot change it.
func Correct(l *genome.Layout, reads []uint32, eff, gc []float64, mask []uint8, opt GCOptions) (*Coverage, error) {
	n := l.NumBins()
	if len(reads) != n || len(eff) != n || len(gc) != n || len(mask) != n {
		return nil, fmt.Errorf("normalize: %d counts, %d lengths, %d GC values, %d mask entries for %d bins", len(reads), len(eff), len(gc), len(mask), n)
	}
	auto := l.Offset[genome.ChrX]
	var effSum float64
	var effN int
	for i := 0; i < auto; i++ {
		if mask[i] == MaskNone && eff[i] > 0 {
			effSum += eff[i]
			effN++
		}
	}
	if effN < 10 {
		return nil, fmt.Errorf("normalize: only %d usable autosomal bins: check the annotation (gaps, mappability) and bin size", effN)
	}
	meanEff := effSum / float64(effN)
	stride := (effN + maxFitBins - 1) / maxFitBins
	xs := make([]float64, 0, effN/stride+1)
	ys := make([]float64, 0, effN/stride+1)
	var tot float64
	k := 0
	for i := 0; i < auto; i++ {
		if mask[i] == MaskNone && eff[i] > 0 {
			if k%stride == 0 {
				xs = append(xs, gc[i])
				ys = append(ys, float64(reads[i])*meanEff/eff[i])
			}
			k++
			tot += float64(reads[i])
		}
	}
	if tot == 0 {
		return nil, errors.New("normalize: no reads in the usable autosomal bins: is the counts file empty or from a different genome build?")
	}
	curve, err := loess.Fit(xs, ys, loess.Options{Span: opt.Span, Degree: opt.Degree, Iterations: opt.Iterations})
	if err != nil {
		return nil, fmt.Errorf("normalize: GC curve: %w", err)
	}
	q := stats.Quantiles(xs, 0.05, 0.5, 0.95)
	cov := &Coverage{Rel: make([]float64, n), Expected: make([]float64, n), AutosomalReads: tot}
	fmed := curve.At(q[1])
	if lo, hi := curve.At(q[0]), curve.At(q[2]); lo > 0 && hi > 0 {
		cov.GCBias = math.Log2(hi / lo)
	} else {
		cov.GCBias = math.Inf(1)
	}
	for i := 0; i < n; i++ {
		cov.Rel[i], cov.Expected[i] = math.NaN(), math.NaN()
		if mask[i] != MaskNone || !(eff[i] > 0) {
			continue
		}
		f := curve.At(gc[i])
		if !(f > minFitFraction*fmed) {
			continue
		}
		cov.Expected[i] = f * eff[i] / meanEff
	}
	// Scale so that the autosomal median of Rel is exactly 1.
	rel := make([]float64, 0, effN)
	for i := 0; i < auto; i++ {
		if e := cov.Expected[i]; !math.IsNaN(e) {
			rel = append(rel, (float64(reads[i])+ZeroReads)/e)
		}
	}
	med := stats.Median(rel)
	if !(med > 0) {
		return nil, errors.New("normalize: median autosomal coverage is zero: the sample has too few reads")
	}
	chrY := l.Offset[genome.ChrY]
	for i := 0; i < n; i++ {
		if e := cov.Expected[i]; !math.IsNaN(e) {
			cov.Expected[i] = e * med
			add := ZeroReads
			if i >= chrY {
				add = 0
			}
			cov.Rel[i] = (float64(reads[i]) + add) / cov.Expected[i]
		}
	}
	return cov, nil
}
