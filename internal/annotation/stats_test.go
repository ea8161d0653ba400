package annotation

import (
	"math"

	"github.com/nipt/nipt/internal/genome"
)

// gcStats are the summary statistics the synthetic genome is calibrated to,
// computed the same way for the real table and the synthetic annotation.
type gcStats struct {
	mean, sd     float64 // over all bins with a value (chr1–22, X)
	withinSD     float64 // pooled SD around each chromosome's mean
	acf1, acf10  float64 // autocorrelation of per-chromosome standardised GC
	acf100       float64
	chromMean    [genome.NumChroms]float64
	lowMapFrac   float64 // fraction of bins with called bases and mappability < 0.5
	meanMapKnown float64 // mean mappability of bins with called bases
}

// statsOf computes gcStats over chr1–22 and X of gc (NaN = no value) and mp
// (mappability; bins with NaN GC are skipped).
func statsOf(l *genome.Layout, gc, mp []float64) gcStats {
	var s gcStats
	var sum, sq, n, within float64
	var mapLow, mapSum, mapN float64
	z := make([]float64, len(gc))
	for c := 0; c < genome.NumChroms; c++ {
		var cs, cq, cn float64
		for i := l.Offset[c]; i < l.Offset[c+1]; i++ {
			if !math.IsNaN(gc[i]) {
				cs += gc[i]
				cq += gc[i] * gc[i]
				cn++
			}
		}
		m := cs / cn
		s.chromMean[c] = m
		if c == genome.ChrY {
			continue
		}
		sum, sq, n = sum+cs, sq+cq, n+cn
		within += cq - cn*m*m
		sd := math.Sqrt(cq/cn - m*m)
		for i := l.Offset[c]; i < l.Offset[c+1]; i++ {
			z[i] = (gc[i] - m) / sd
			if !math.IsNaN(gc[i]) && mp != nil && !math.IsNaN(mp[i]) {
				mapSum += mp[i]
				mapN++
				if mp[i] < 0.5 {
					mapLow++
				}
			}
		}
	}
	s.mean = sum / n
	s.sd = math.Sqrt(sq/n - s.mean*s.mean)
	s.withinSD = math.Sqrt(within / n)
	s.lowMapFrac, s.meanMapKnown = mapLow/mapN, mapSum/mapN
	acf := func(lag int) float64 {
		var a, b, v float64
		for c := 0; c < genome.ChrY; c++ {
			for i := l.Offset[c]; i+lag < l.Offset[c+1]; i++ {
				if !math.IsNaN(z[i]) && !math.IsNaN(z[i+lag]) {
					a += z[i] * z[i+lag]
					v += z[i] * z[i]
					b++
				}
			}
		}
		return a / v
	}
	s.acf1, s.acf10, s.acf100 = acf(1), acf(10), acf(100)
	return s
}
