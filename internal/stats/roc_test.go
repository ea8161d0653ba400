package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteAUC counts positive–negative pairs directly: the definition.
func bruteAUC(s []float64, l []bool) float64 {
	var u, pairs float64
	for i := range s {
		for j := range s {
			if !l[i] || l[j] || math.IsNaN(s[i]) || math.IsNaN(s[j]) {
				continue
			}
			pairs++
			switch {
			case s[i] > s[j]:
				u++
			case s[i] == s[j]:
				u += 0.5
			}
		}
	}
	return u / pairs
}

func TestROCAUC(t *testing.T) {
	tests := []struct {
		name   string
		scores []float64
		labels []bool
		want   float64
	}{
		{"separated", []float64{0.9, 0.8, 0.1, 0.2}, []bool{true, true, false, false}, 1},
		{"reversed", []float64{0.1, 0.2, 0.9, 0.8}, []bool{true, true, false, false}, 0},
		{"all tied", []float64{1, 1, 1, 1}, []bool{true, false, true, false}, 0.5},
		// Pairs (pos, neg): (3,1) win, (3,2) win, (1,1) tie, (1,2) loss → 2.5/4.
		{"hand computed", []float64{3, 1, 1, 2}, []bool{true, true, false, false}, 0.625},
		{"NaN skipped", []float64{0.9, math.NaN(), 0.1}, []bool{true, false, false}, 1},
		{"one class", []float64{1, 2}, []bool{true, true}, math.NaN()},
		{"length mismatch", []float64{1, 2}, []bool{true}, math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ROCAUC(tc.scores, tc.labels); !near(got, tc.want, 1e-12) {
				t.Errorf("ROCAUC = %v, want %v", got, tc.want)
			}
		})
	}
	// Random scores rounded to create ties, against the pair count.
	r := rand.New(rand.NewPCG(3, 3))
	s := make([]float64, 300)
	l := make([]bool, 300)
	for i := range s {
		l[i] = r.IntN(3) == 0
		s[i] = math.Round(r.NormFloat64()*3) + map[bool]float64{true: 1, false: 0}[l[i]]
	}
	if got, want := ROCAUC(s, l), bruteAUC(s, l); math.Abs(got-want) > 1e-12 {
		t.Errorf("ROCAUC = %v, brute force %v", got, want)
	}
}

func TestROC(t *testing.T) {
	scores := []float64{0.9, 0.8, 0.8, 0.3, 0.2, 0.1}
	labels := []bool{true, false, true, true, false, false}
	fpr, tpr := ROC(scores, labels)
	// Thresholds 0.9, 0.8 (one pos, one neg), 0.3, 0.2, 0.1.
	wantF := []float64{0, 0, 1.0 / 3, 1.0 / 3, 2.0 / 3, 1}
	wantT := []float64{0, 1.0 / 3, 2.0 / 3, 1, 1, 1}
	if len(fpr) != len(wantF) {
		t.Fatalf("ROC gave %d points, want %d", len(fpr), len(wantF))
	}
	area := 0.0
	for i := range fpr {
		if !near(fpr[i], wantF[i], 1e-12) || !near(tpr[i], wantT[i], 1e-12) {
			t.Errorf("point %d = (%v, %v), want (%v, %v)", i, fpr[i], tpr[i], wantF[i], wantT[i])
		}
		if i > 0 {
			area += (fpr[i] - fpr[i-1]) * (tpr[i] + tpr[i-1]) / 2
		}
	}
	// The trapezoidal area under the empirical curve is the AUC.
	if a := ROCAUC(scores, labels); !near(area, a, 1e-12) {
		t.Errorf("trapezoid area %v != ROCAUC %v", area, a)
	}
	if f, tp := ROC([]float64{1}, []bool{true}); f != nil || tp != nil {
		t.Error("ROC with one class should be nil")
	}
	th, _, _ := ROCCurve(scores, labels)
	wantTh := []float64{math.Inf(1), 0.9, 0.8, 0.3, 0.2, 0.1}
	if len(th) != len(wantTh) {
		t.Fatalf("ROCCurve gave %d thresholds, want %d", len(th), len(wantTh))
	}
	for i := range th {
		if th[i] != wantTh[i] {
			t.Errorf("threshold %d = %v, want %v", i, th[i], wantTh[i])
		}
	}
	if th, f, tp := ROCCurve([]float64{1, 2}, []bool{true}); th != nil || f != nil || tp != nil {
		t.Error("ROCCurve with mismatched lengths should be nil")
	}
}
