package normalize

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Fold is one cross-validation split of a cohort with the principal
// components fitted on its training samples only.
type Fold struct {
	Train, Test []int
	// Lambda are the training eigenvalues (descending), up to Kmax.
	Lambda []float64
	// TrainScores[a][j] is the score of Train[a] on component j (centred
	// over the training samples); TestScores[b][j] that of Test[b].
	TrainScores, TestScores [][]float64
}

// FoldOf assigns sample i of n to one of nfold folds (i mod nfold), a
// deterministic interleaved split.
func FoldOf(i, nfold int) int { return i % nfold }

// Folds computes, for each of nfold interleaved folds, the principal
// components of the training samples and the scores of all samples, up to
// kmax components.
func (g *Gram) Folds(nfold, kmax int) ([]Fold, error) {
	if nfold < 2 || nfold > g.N {
		return nil, fmt.Errorf("normalize: %d folds for %d samples", nfold, g.N)
	}
	folds := make([]Fold, nfold)
	for i := 0; i < g.N; i++ {
		f := &folds[FoldOf(i, nfold)]
		f.Test = append(f.Test, i)
	}
	for fi := range folds {
		f := &folds[fi]
		for i := 0; i < g.N; i++ {
			if FoldOf(i, nfold) != fi {
				f.Train = append(f.Train, i)
			}
		}
		rows := append(append([]int(nil), f.Train...), f.Test...)
		gc := g.centred(rows, f.Train)
		nt := len(f.Train)
		tt := mat.DenseCopyOf(gc.Slice(0, nt, 0, nt))
		vals, vecs, err := eigenDesc(tt)
		if err != nil {
			return nil, err
		}
		k := min(kmax, nt-1)
		for k > 0 && vals[k-1] <= 1e-12*vals[0] {
			k--
		}
		f.Lambda = vals[:k]
		f.TrainScores = make([][]float64, nt)
		for a := 0; a < nt; a++ {
			f.TrainScores[a] = make([]float64, k)
			for j := 0; j < k; j++ {
				f.TrainScores[a][j] = vecs.At(a, j) * math.Sqrt(vals[j])
			}
		}
		f.TestScores = make([][]float64, len(f.Test))
		for b := range f.Test {
			f.TestScores[b] = make([]float64, k)
			for j := 0; j < k; j++ {
				var s float64
				for a := 0; a < nt; a++ {
					s += vecs.At(a, j) * gc.At(a, nt+b)
				}
				f.TestScores[b][j] = s / math.Sqrt(vals[j])
			}
		}
	}
	return folds, nil
}

// HeldOut evaluates linear functionals out of fold. F[i][q] is functional q
// applied to sample i's (unwhitened, uncentred) log-ratio profile. For each
// test sample of each fold and each number of components k = 0..kmax it
// returns the functional of the sample's residual after removing the
// training mean and the first k training components: out[i][q][k].
//
// This works because removing components is a regression of every column
// on the (orthogonal) training scores, and a linear functional of the
// residual is the same regression applied to the functional's values.
func HeldOut(folds []Fold, F [][]float64, kmax int) [][][]float64 {
	n := len(F)
	nq := 0
	if n > 0 {
		nq = len(F[0])
	}
	out := make([][][]float64, n)
	for _, f := range folds {
		k := min(kmax, len(f.Lambda))
		for q := 0; q < nq; q++ {
			var mean float64
			for _, t := range f.Train {
				mean += F[t][q]
			}
			mean /= float64(len(f.Train))
			beta := make([]float64, k)
			for j := 0; j < k; j++ {
				var s float64
				for a, t := range f.Train {
					s += f.TrainScores[a][j] * (F[t][q] - mean)
				}
				beta[j] = s / f.Lambda[j]
			}
			for b, i := range f.Test {
				if out[i] == nil {
					out[i] = make([][]float64, nq)
				}
				v := F[i][q] - mean
				row := make([]float64, kmax+1)
				row[0] = v
				for j := 1; j <= kmax; j++ {
					if j <= k {
						v -= beta[j-1] * f.TestScores[b][j-1]
					}
					row[j] = v
				}
				out[i][q] = row
			}
		}
	}
	return out
}

// ChooseK picks the number of components from held-out functional values
// (HeldOut output): for each k, the weighted mean over functionals of the
// log of the held-out mean square (weights w, nil = equal); the smallest k
// whose criterion is within one standard error of the minimum
// (one-standard-error rule, ESL §7.10), the standard error taken over
// functionals of the paired differences to the minimum. It returns k and
// the criterion curve.
func ChooseK(held [][][]float64, kmax int, w []float64) (int, []float64) {
	var nq int
	for _, h := range held {
		if h != nil {
			nq = len(h)
			break
		}
	}
	if nq == 0 {
		return 0, nil
	}
	if w == nil {
		w = make([]float64, nq)
		for q := range w {
			w[q] = 1
		}
	}
	var wsum, w2 float64
	for _, v := range w {
		wsum += v
	}
	for _, v := range w {
		w2 += (v / wsum) * (v / wsum)
	}
	lv := make([][]float64, kmax+1) // [k][q] log mean square
	for k := 0; k <= kmax; k++ {
		lv[k] = make([]float64, nq)
		for q := 0; q < nq; q++ {
			var ss float64
			var m int
			for _, h := range held {
				if h == nil {
					continue
				}
				ss += h[q][k] * h[q][k]
				m++
			}
			lv[k][q] = math.Log(ss/float64(m) + 1e-300)
		}
	}
	crit := make([]float64, kmax+1)
	best := 0
	for k := range crit {
		var s float64
		for q, v := range lv[k] {
			s += w[q] * v
		}
		crit[k] = s / wsum
		if crit[k] < crit[best] {
			best = k
		}
	}
	for k := 0; k < best; k++ {
		var mean, ss float64
		for q := 0; q < nq; q++ {
			mean += w[q] / wsum * (lv[k][q] - lv[best][q])
		}
		for q := 0; q < nq; q++ {
			d := lv[k][q] - lv[best][q] - mean
			ss += w[q] / wsum * d * d
		}
		// SE of a weighted mean: √(Σw_q² · var) with the weighted variance.
		se := math.Sqrt(ss * w2 / math.Max(1-w2, 1e-12))
		if mean <= se {
			return k, crit
		}
	}
	return best, crit
}
