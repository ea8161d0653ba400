package segment

import "math"

// undo merges adjacent segments (given by sorted boundaries over the
// compressed values) whose means differ by less than minDiff, always merging
// the closest pair first and recomputing the merged mean, until every
// adjacent pair differs by at least minDiff. This is DNAcopy's
// undo.splits = "sdundo" rule with minDiff = undo.SD × noise SD.
func undo(x, w []float64, bounds []int, minDiff float64) []int {
	for len(bounds) > 2 {
		means := make([]float64, len(bounds)-1)
		for s := range means {
			means[s], _ = weightedMean(x[bounds[s]:bounds[s+1]], sliceOrNil(w, bounds[s], bounds[s+1]))
		}
		best, bestDiff := -1, math.Inf(1)
		for s := 0; s+1 < len(means); s++ {
			if d := math.Abs(means[s+1] - means[s]); d < bestDiff {
				best, bestDiff = s, d
			}
		}
		if !(bestDiff < minDiff) {
			break
		}
		// Remove the boundary between segments best and best+1.
		bounds = append(bounds[:best+1], bounds[best+2:]...)
	}
	return bounds
}
