package refset

import (
	"github.com/nipt/nipt/internal/normalize"
)

// Options control a reference build. The zero value is not valid; start
// from DefaultOptions.
type Options struct {
	BinSize int                 `json:"bin_size"`
	GC      normalize.GCOptions `json:"gc"`
	// MinSamples: fewer usable euploid samples is an error; WarnSamples:
	// fewer is a warning. With n samples the null SD is estimated with a
	// relative error of about 1/√(2n): 16% at 20 samples, 10% at 50.
	MinSamples  int `json:"min_samples"`
	WarnSamples int `json:"warn_samples"`
	// OutlierZ: a reference sample with a cross-validated chromosome z
	// beyond ±OutlierZ on any autosome is excluded (a 4-SD excursion has
	// probability 6e-5 per chromosome under normality: about one false
	// exclusion in 700 samples × 22 autosomes).
	OutlierZ float64 `json:"outlier_z"`
	// MaxIterations bounds the exclude-and-rebuild rounds.
	MaxIterations int `json:"max_iterations"`
	// Folds for cross-validation.
	Folds int `json:"folds"`
	// MaxComponents bounds the number of PCA components tried.
	MaxComponents int `json:"max_components"`
	// RefBins configures the within-sample reference bins.
	RefBins normalize.RefBinsOptions `json:"reference_bins"`
	// MinReads: reference samples with fewer reads are excluded.
	MinReads int64 `json:"min_reads"`
	// MaxDuplicateRate: reference samples with more duplicates are excluded.
	MaxDuplicateRate float64 `json:"max_duplicate_rate"`
	// Seed seeds the fetal-sex mixture model.
	Seed uint64 `json:"seed"`
	// FineCorrection: GC-correct and mask every sample at the counted bin
	// size (the annotation's, finer than BinSize) before merging (Fine;
	// docs/method.md §4). The reference keeps the fine annotation, and
	// samples must be counted at that bin size. On by default; a build
	// whose annotation is at BinSize itself corrects at BinSize (unless
	// RequireFine), and the built reference records what was done.
	FineCorrection bool `json:"fine_correction,omitempty"`
	// RequireFine makes a build fail instead of correcting at BinSize when
	// the annotation is not finer (fine correction asked for explicitly).
	RequireFine bool `json:"-"`
	// Threads for the parallel parts.
	Threads int `json:"-"`
}

// DefaultOptions returns the documented defaults (docs/method.md).
func DefaultOptions() Options {
	return Options{
		BinSize:          100_000,
		MinSamples:       20,
		WarnSamples:      50,
		OutlierZ:         4,
		MaxIterations:    5,
		Folds:            10,
		MaxComponents:    30,
		RefBins:          normalize.DefaultRefBins,
		MinReads:         1_000_000,
		MaxDuplicateRate: 0.5,
		Seed:             1,
		FineCorrection:   true,
		Threads:          2,
	}
}
