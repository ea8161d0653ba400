package annotation

import (
	"fmt"
	"math"

	"github.com/nipt/nipt/internal/genome"
)

// Coarsen returns the annotation at the coarser layout l, whose bin size is k
// times a's (l as returned by a.Layout.Coarsen). Coarse bin j merges fine
// bins k·j … k·j+k−1 of the same chromosome:
//
//   - GC is the mean of the fine GC values weighted by their called (non-N)
//     bases, i.e. the GC fraction of the merged bin's called bases; NaN when
//     no fine bin has a called base with known GC.
//   - N is the length-weighted mean of the fine N fractions (exact).
//   - Map is the length-weighted mean of the known fine values; NaN when none
//     is known.
//   - Blacklist is set when blacklisted fine bins make up more than half of
//     the coarse bin's length. A logical OR would discard every coarse bin
//     touching one short blacklisted region (with the ~600 regions of the
//     ENCODE hg38 list, a sizeable part of the genome at 1 Mb); the majority
//     rule keeps the merged bin when most of its sequence is clean, and
//     robust normalisation absorbs the rest.
func (a *Annotation) Coarsen(l *genome.Layout, k int) (*Annotation, error) {
	f := a.Layout
	if l.Build != f.Build || k < 1 || l.BinSize != f.BinSize*k {
		return nil, fmt.Errorf("cannot coarsen a %s annotation with %d b bins by %d into %s bins of %d b: the bin size must be a multiple of %d",
			f.Build.Name, f.BinSize, k, l.Build.Name, l.BinSize, f.BinSize)
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	out := New(l)
	out.Source = a.Source
	nc := l.NumBins()
	gcW, mapW, lenW, blW := make([]float64, nc), make([]float64, nc), make([]float64, nc), make([]float64, nc)
	gcS, mapS, nS := make([]float64, nc), make([]float64, nc), make([]float64, nc)
	for c := 0; c < genome.NumChroms; c++ {
		for i := f.Offset[c]; i < f.Offset[c+1]; i++ {
			j := l.Offset[c] + (i-f.Offset[c])/k
			_, s, e := f.Locate(i)
			w := float64(e - s)
			lenW[j] += w
			nS[j] += a.N[i] * w
			if called := w * (1 - a.N[i]); called > 0 && !math.IsNaN(a.GC[i]) {
				gcS[j] += a.GC[i] * called
				gcW[j] += called
			}
			if !math.IsNaN(a.Map[i]) {
				mapS[j] += a.Map[i] * w
				mapW[j] += w
			}
			if a.Blacklist[i] {
				blW[j] += w
			}
		}
	}
	for j := 0; j < nc; j++ {
		out.N[j] = min(nS[j]/lenW[j], 1)
		if gcW[j] > 0 {
			out.GC[j] = min(max(gcS[j]/gcW[j], 0), 1)
		}
		if mapW[j] > 0 {
			out.Map[j] = min(max(mapS[j]/mapW[j], 0), 1)
		}
		out.Blacklist[j] = blW[j] > lenW[j]/2
	}
	return out, nil
}
