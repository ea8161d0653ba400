package stats

import (
	"math"
	"slices"
)

// rocPairs returns the (score, label) pairs with a non-NaN score, sorted by
// decreasing score, and the numbers of positives and negatives.
func rocPairs(scores []float64, labels []bool) (idx []int, pos, neg int) {
	if len(scores) != len(labels) {
		return nil, 0, 0
	}
	idx = make([]int, 0, len(scores))
	for i, s := range scores {
		if math.IsNaN(s) {
			continue
		}
		idx = append(idx, i)
		if labels[i] {
			pos++
		} else {
			neg++
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case scores[a] > scores[b]:
			return -1
		case scores[a] < scores[b]:
			return 1
		}
		return 0
	})
	return idx, pos, neg
}

// ROCAUC returns the area under the ROC curve for scores where higher means
// "positive" (labels[i] true): the probability that a random positive scores
// above a random negative, ties counting one half. Pairs with a NaN score
// are skipped. It returns NaN if the lengths differ or either class is empty.
func ROCAUC(scores []float64, labels []bool) float64 {
	idx, pos, neg := rocPairs(scores, labels)
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	// Walk groups of tied scores from the top: each negative in a group is
	// beaten by all positives above the group and ties with the group's own.
	var u float64
	posAbove := 0
	for i := 0; i < len(idx); {
		j := i
		gp, gn := 0, 0
		for ; j < len(idx) && scores[idx[j]] == scores[idx[i]]; j++ {
			if labels[idx[j]] {
				gp++
			} else {
				gn++
			}
		}
		u += float64(gn) * (float64(posAbove) + float64(gp)/2)
		posAbove += gp
		i = j
	}
	return u / (float64(pos) * float64(neg))
}

// ROC returns the empirical ROC curve: false- and true-positive rates when
// calling positive every score ≥ each distinct threshold, from the highest
// threshold down, starting at (0, 0) and ending at (1, 1). Pairs with a NaN
// score are skipped; nil, nil is returned if the lengths differ or either
// class is empty.
func ROC(scores []float64, labels []bool) (fpr, tpr []float64) {
	_, fpr, tpr = ROCCurve(scores, labels)
	return fpr, tpr
}

// ROCCurve is ROC with the threshold of every point: thresholds[0] is +Inf
// (the (0, 0) start, nothing called positive) and thresholds[i] the
// distinct score whose inclusion gives point i. All three are nil when ROC
// returns nil.
func ROCCurve(scores []float64, labels []bool) (thresholds, fpr, tpr []float64) {
	idx, pos, neg := rocPairs(scores, labels)
	if pos == 0 || neg == 0 {
		return nil, nil, nil
	}
	thresholds, fpr, tpr = []float64{math.Inf(1)}, []float64{0}, []float64{0}
	tp, fp := 0, 0
	for i := 0; i < len(idx); {
		j := i
		for ; j < len(idx) && scores[idx[j]] == scores[idx[i]]; j++ {
			if labels[idx[j]] {
				tp++
			} else {
				fp++
			}
		}
		thresholds = append(thresholds, scores[idx[i]])
		fpr = append(fpr, float64(fp)/float64(neg))
		tpr = append(tpr, float64(tp)/float64(pos))
		i = j
	}
	return thresholds, fpr, tpr
}
