package evaluate

import (
	"math"
	"strconv"
)

// scaTable cross-tabulates true karyotype against the sca call.
func scaTable(js []*joined, mode string) *SCATable {
	truthLabels := append([]string{"none"}, scaTypes...)
	called := []string{"low_risk", "no_call", "not_reported", "high_risk"}
	if mode == "type" {
		called = append(called[:3], scaTypes...)
	}
	t := &SCATable{Mode: mode, Truth: truthLabels, Called: called, Counts: make([][]int, len(truthLabels))}
	for i := range t.Counts {
		t.Counts[i] = make([]int, len(called))
	}
	for _, j := range js {
		row := 0
		if j.t.SCA != "" {
			row = indexOf(truthLabels, j.t.SCA)
		}
		sc := j.scaCall()
		label := string(sc.Call)
		if sc.Call == HighRisk && mode == "type" {
			label = sc.Type
		}
		if col := indexOf(called, label); row >= 0 && col >= 0 {
			t.Counts[row][col]++
		}
	}
	return t
}

// evaluateROC computes ROC curves with the chromosome z-score as the score,
// over samples with a result (QC not failed) and a finite z. Samples with
// a mosaic trisomy of the scored chromosome are left out, as in the
// condition tables. Rare autosomal trisomies are pooled over (sample,
// chromosome) pairs when the summary has z<N> columns for rare autosomes,
// else scored by a zRAT column when present.
func evaluateROC(js []*joined, sum *Summary) []ROCResult {
	out := []ROCResult{}
	hasZ := map[int]bool{}
	var ratZ []int
	for _, c := range sum.ZChroms {
		hasZ[c] = true
		if !isCommonTrisomy(c) {
			ratZ = append(ratZ, c)
		}
	}
	for _, chrom := range []int{21, 18, 13} {
		if !hasZ[chrom] {
			continue
		}
		var scores []float64
		var labels []bool
		for _, j := range js {
			if j.noResult() || j.t.Trisomy == chrom && j.t.IsMosaic() {
				continue
			}
			scores = append(scores, j.c.Z[chrom])
			labels = append(labels, j.t.FullTrisomy(chrom))
		}
		out = append(out, rocResult("T"+strconv.Itoa(chrom), "z"+strconv.Itoa(chrom), scores, labels))
	}
	var scores []float64
	var labels []bool
	score := ""
	switch {
	case len(ratZ) > 0:
		score = "z<N> of each rare autosome, pooled over (sample, chromosome)"
		for _, j := range js {
			if j.noResult() {
				continue
			}
			for _, c := range ratZ {
				if j.t.Trisomy == c && j.t.IsMosaic() {
					continue
				}
				scores = append(scores, j.c.Z[c])
				labels = append(labels, j.t.FullTrisomy(c))
			}
		}
	case sum.HasZRAT:
		score = "zRAT"
		for _, j := range js {
			if j.noResult() || isRAT(j.t.Trisomy) && j.t.IsMosaic() {
				continue
			}
			scores = append(scores, j.c.ZRAT)
			labels = append(labels, isRAT(j.t.Trisomy))
		}
	}
	if score != "" {
		out = append(out, rocResult("RAT", score, scores, labels))
	}
	return out
}

func rocResult(cond, score string, scores []float64, labels []bool) ROCResult {
	r := ROCResult{Condition: cond, Score: score, Points: []ROCPoint{}}
	for i, s := range scores {
		if math.IsNaN(s) {
			continue
		}
		if labels[i] {
			r.Positives++
		} else {
			r.Negatives++
		}
	}
	curve, auc := ROC(scores, labels)
	r.AUC = Float(auc)
	if curve != nil {
		r.Points = curve
	}
	return r
}
