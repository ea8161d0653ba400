package evaluate

import (
	"math"
	"sort"
)

// ROCPoint is one operating point: calling positive every score ≥ Threshold
// gives false-positive rate FPR and true-positive rate TPR.
type ROCPoint struct {
	Threshold Float `json:"threshold"` // null for the (0, 0) start point (threshold +∞)
	FPR       Float `json:"fpr"`
	TPR       Float `json:"tpr"`
}

// ROC returns the empirical ROC curve of scores against labels (true =
// positive), from (0, 0) to (1, 1), one point per distinct score (tied
// scores move both rates at once, a diagonal step), and the area under it.
// The area equals the Mann–Whitney probability that a random positive
// scores above a random negative, ties counting one half (Hanley & McNeil
// 1982). Pairs with a NaN score are skipped. With no positives or no
// negatives the area is NaN and the curve nil.
func ROC(scores []float64, labels []bool) (curve []ROCPoint, auc float64) {
	type sl struct {
		s   float64
		pos bool
	}
	var xs []sl
	var nPos, nNeg int
	for i, s := range scores {
		if math.IsNaN(s) {
			continue
		}
		xs = append(xs, sl{s, labels[i]})
		if labels[i] {
			nPos++
		} else {
			nNeg++
		}
	}
	if nPos == 0 || nNeg == 0 {
		return nil, math.NaN()
	}
	sort.SliceStable(xs, func(a, b int) bool { return xs[a].s > xs[b].s })
	curve = append(curve, ROCPoint{Threshold: Float(math.Inf(1)), FPR: 0, TPR: 0})
	var tp, fp int
	var area float64 // trapezoids in units of positive × negative pairs
	for i := 0; i < len(xs); {
		j := i
		var dtp, dfp int
		for ; j < len(xs) && xs[j].s == xs[i].s; j++ {
			if xs[j].pos {
				dtp++
			} else {
				dfp++
			}
		}
		// A tie block adds dfp negatives below tp positives plus half of
		// the dtp × dfp tied pairs.
		area += float64(dfp) * (float64(tp) + float64(dtp)/2)
		tp += dtp
		fp += dfp
		curve = append(curve, ROCPoint{
			Threshold: Float(xs[i].s),
			FPR:       Float(float64(fp) / float64(nNeg)),
			TPR:       Float(float64(tp) / float64(nPos)),
		})
		i = j
	}
	return curve, area / (float64(nPos) * float64(nNeg))
}
