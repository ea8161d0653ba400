// Package annotation holds per-bin properties of the reference genome that
// normalisation needs: GC fraction, gap (N) fraction, mappability and a
// blacklist flag, for every bin of a genome.Layout.
package annotation

import (
	"github.com/nipt/nipt/internal/genome"
)

// Annotation is the per-bin description of a genome at one bin size. All
// slices are indexed by global bin number of Layout.
type Annotation struct {
	Layout *genome.Layout
	// GC is the fraction of G and C among the A, C, G, T bases of the bin;
	// NaN when the bin has no called base.
	GC []float64
	// N is the fraction of the bin's bases that are N (assembly gap).
	N []float64
	// Map is the mean mappability of the bin (0..1); NaN when unknown.
	Map []float64
	// Blacklist marks bins overlapping a blacklisted region.
	Blacklist []bool
	// Source records where each track came from (file names or "synthetic").
	Source Source
}

// Source names the origin of each track.
type Source struct {
	GC        string `json:"gc"`
	Map       string `json:"map"`
	Blacklist string `json:"blacklist"`
}
