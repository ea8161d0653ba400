package annotation

import (
	"fmt"
	"math"

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
	// Tool records what made the annotation (written to the file header).
	Tool Tool
}

// Tool records the program and command line that made an annotation.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Command string `json:"command"`
}

// Source names the origin of each track.
type Source struct {
	GC        string `json:"gc"`
	Map       string `json:"map"`
	Blacklist string `json:"blacklist"`
	// N names the origin of the gap (N) fraction track.
	N string `json:"n,omitempty"`
}

// New returns an annotation of layout l with every track unknown: GC and Map
// NaN, N zero, nothing blacklisted.
func New(l *genome.Layout) *Annotation {
	n := l.NumBins()
	a := &Annotation{
		Layout:    l,
		GC:        make([]float64, n),
		N:         make([]float64, n),
		Map:       make([]float64, n),
		Blacklist: make([]bool, n),
	}
	for i := range a.GC {
		a.GC[i] = math.NaN()
		a.Map[i] = math.NaN()
	}
	return a
}

// Validate checks that every track has one value per bin and that the values
// lie in their ranges (GC, N, Map in [0, 1] or NaN where allowed).
func (a *Annotation) Validate() error {
	if a == nil || a.Layout == nil {
		return fmt.Errorf("annotation: no layout")
	}
	n := a.Layout.NumBins()
	if len(a.GC) != n || len(a.N) != n || len(a.Map) != n || len(a.Blacklist) != n {
		return fmt.Errorf("annotation: track lengths gc=%d n=%d map=%d blacklist=%d, layout has %d bins",
			len(a.GC), len(a.N), len(a.Map), len(a.Blacklist), n)
	}
	for i := 0; i < n; i++ {
		if !inUnit(a.GC[i], true) || !inUnit(a.N[i], false) || !inUnit(a.Map[i], true) {
			return fmt.Errorf("annotation: bin %d has gc=%v n=%v map=%v (want values in [0, 1])", i, a.GC[i], a.N[i], a.Map[i])
		}
	}
	return nil
}

func inUnit(v float64, nanOK bool) bool {
	if math.IsNaN(v) {
		return nanOK
	}
	return v >= 0 && v <= 1
}

// CheckCompatible reports an error when a was made for another build or bin
// size than the layout l (of counts or a reference) it is used with.
func (a *Annotation) CheckCompatible(l *genome.Layout) error {
	if a.Layout.Build != l.Build {
		return fmt.Errorf("annotation is for genome build %s but the data is %s: make one for %s with nipt annotate --build %s (or --fasta of that build)",
			a.Layout.Build.Name, l.Build.Name, l.Build.Name, l.Build.Name)
	}
	if a.Layout.BinSize != l.BinSize {
		if l.BinSize > a.Layout.BinSize && l.BinSize%a.Layout.BinSize == 0 {
			return fmt.Errorf("annotation has bin size %d but the data has %d: coarsen it (Annotation.Coarsen) or re-run nipt annotate with --bin-size %d",
				a.Layout.BinSize, l.BinSize, l.BinSize)
		}
		return fmt.Errorf("annotation has bin size %d but the data has %d: re-run nipt annotate with --bin-size %d",
			a.Layout.BinSize, l.BinSize, l.BinSize)
	}
	return nil
}
