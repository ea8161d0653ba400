package evaluate

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/integrate"
	"gonum.org/v1/gonum/stat"
)

func TestROCAUCByHand(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name   string
		scores []float64
		labels []bool
		auc    float64
	}{
		// Positives {3, 2}, negatives {1, 2, 0}: of the 6 pairs, 5 are
		// ordered and 1 is tied (2 vs 2): AUC = 5.5/6.
		{"tie", []float64{3, 2, 1, 2, 0}, []bool{true, true, false, false, false}, 5.5 / 6},
		{"perfect", []float64{5, 4, 1, 0}, []bool{true, true, false, false}, 1},
		{"reversed", []float64{0, 1, 4, 5}, []bool{true, true, false, false}, 0},
		{"all tied", []float64{1, 1, 1, 1}, []bool{true, false, true, false}, 0.5},
		// One positive below one of three negatives: 2/3.
		{"one swap", []float64{2, 1, 3, 0}, []bool{true, false, false, false}, 2.0 / 3},
		{"NaN skipped", []float64{2, nan, 1, 0}, []bool{true, true, false, false}, 1},
		{"no positives", []float64{1, 2}, []bool{false, false}, nan},
		{"no negatives", []float64{1, 2}, []bool{true, true}, nan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			curve, auc := ROC(tt.scores, tt.labels)
			if math.IsNaN(tt.auc) {
				if !math.IsNaN(auc) || curve != nil {
					t.Fatalf("AUC = %v, curve %v; want NaN, nil", auc, curve)
				}
				return
			}
			if math.Abs(auc-tt.auc) > 1e-12 {
				t.Errorf("AUC = %v, want %v", auc, tt.auc)
			}
			first, last := curve[0], curve[len(curve)-1]
			if first.FPR != 0 || first.TPR != 0 || last.FPR != 1 || last.TPR != 1 {
				t.Errorf("curve runs from %+v to %+v, want (0,0) to (1,1)", first, last)
			}
			if got := trapezoid(curve); math.Abs(got-auc) > 1e-12 {
				t.Errorf("area under the returned curve %v differs from AUC %v", got, auc)
			}
		})
	}
}

func TestROCLengthMismatch(t *testing.T) {
	if curve, auc := ROC([]float64{1, 2, 3}, []bool{true, false}); curve != nil || !math.IsNaN(auc) {
		t.Errorf("mismatched lengths: curve %v, AUC %v; want nil, NaN", curve, auc)
	}
}

func trapezoid(c []ROCPoint) float64 {
	var a float64
	for i := 1; i < len(c); i++ {
		a += float64(c[i].FPR-c[i-1].FPR) * float64(c[i].TPR+c[i-1].TPR) / 2
	}
	return a
}

// On random scores (no ties) the AUC must agree with gonum's ROC curve
// integrated by the trapezoidal rule, an independent implementation.
func TestROCAgainstGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := 0; trial < 20; trial++ {
		n := 5 + rng.IntN(60)
		scores := make([]float64, n)
		labels := make([]bool, n)
		for i := range scores {
			labels[i] = rng.IntN(3) == 0
			scores[i] = rng.NormFloat64()
			if labels[i] {
				scores[i] += 1
			}
		}
		labels[0], labels[1] = true, false
		_, auc := ROC(scores, labels)
		// gonum wants scores sorted ascending with their classes.
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		sortByScore(idx, scores)
		ys := make([]float64, n)
		cls := make([]bool, n)
		for i, j := range idx {
			ys[i], cls[i] = scores[j], labels[j]
		}
		tpr, fpr, _ := stat.ROC(nil, ys, cls, nil)
		want := integrate.Trapezoidal(fpr, tpr)
		if math.Abs(auc-want) > 1e-12 {
			t.Fatalf("trial %d: AUC %v, gonum %v", trial, auc, want)
		}
	}
}

func sortByScore(idx []int, s []float64) {
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && s[idx[j]] < s[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
}
