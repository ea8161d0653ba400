package evaluate

import (
	"math"

	"github.com/nipt/nipt/internal/stats"
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
// negatives, or lengths that differ, the area is NaN and the curve nil.
func ROC(scores []float64, labels []bool) (curve []ROCPoint, auc float64) {
	th, fpr, tpr := stats.ROCCurve(scores, labels)
	if th == nil {
		return nil, math.NaN()
	}
	curve = make([]ROCPoint, len(th))
	for i := range th {
		curve[i] = ROCPoint{Threshold: Float(th[i]), FPR: Float(fpr[i]), TPR: Float(tpr[i])}
	}
	return curve, stats.ROCAUC(scores, labels)
}
