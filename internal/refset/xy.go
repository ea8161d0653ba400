package refset

import (
	"fmt"
	"math"

	"github.com/nipt/nipt/internal/fetalfraction"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/normalize"
	"github.com/nipt/nipt/internal/stats"
	"gonum.org/v1/gonum/mat"
)

// MinSexRefs is the number of female-fetus (for chrX) or male-fetus (for
// chrY bin selection) reference samples a sex-chromosome model needs.
const MinSexRefs = 5

// yFemaleShare: a chrY bin is male-specific when the female-fetus
// references' median coverage there is below 20% of the male-fetus
// references' (X-transposed, ampliconic and mismapped regions fail).
const yFemaleShare = 0.2

// xModel is the chrX model fitted on the female-fetus references.
type xModel struct {
	bins  []int32
	kx    int
	mean  []float64
	beta  [][]float64 // [component][bin]
	sigma []float64
	null  Null
	ok    bool
}

// fitX regresses each chrX bin's log ratio on the autosomal component
// scores over the female-fetus references (a separate model for chrX: its
// dosage differs by fetal sex, so it cannot enter the autosomal PCA).
func (f *fitState) fitX() (*xModel, []string) {
	l := f.st.Layout
	var rows []int // positions in f.used
	for r, i := range f.used {
		if f.sex[i] == SexFemale {
			rows = append(rows, r)
		}
	}
	xm := &xModel{}
	if len(rows) < MinSexRefs {
		return xm, []string{fmt.Sprintf("only %d female-fetus reference samples (need %d): no chrX model, sex-chromosome aneuploidy calls will be no-calls", len(rows), MinSexRefs)}
	}
	for j := l.Offset[genome.ChrX]; j < l.Offset[genome.ChrY]; j++ {
		if f.mask[j] == normalize.MaskNone {
			xm.bins = append(xm.bins, int32(j))
		}
	}
	if len(xm.bins) == 0 {
		return xm, []string{"no usable chrX bins: no chrX model"}
	}
	var warn []string
	for pass := 0; pass < 2; pass++ {
		xm.fit(f, rows)
		// Drop female references whose chrX dosage strays (a maternal or
		// fetal sex-chromosome aneuploidy) and refit once.
		tx := make([]float64, len(rows))
		for a, r := range rows {
			tx[a] = xm.stat(f.xRow(f.used[r], xm.bins), f.scores[r])
		}
		var keep []int
		for a, z := range robustZ(tx) {
			if math.Abs(z) <= f.opt.OutlierZ || math.IsNaN(z) {
				keep = append(keep, rows[a])
			}
		}
		if len(keep) == len(rows) || len(keep) < MinSexRefs {
			break
		}
		warn = append(warn, fmt.Sprintf("%d female-fetus reference samples left out of the chrX model (chrX dosage outlier)", len(rows)-len(keep)))
		rows = keep
	}
	xm.null = f.xNull(xm, rows)
	xm.ok = true
	return xm, warn
}

// xRow returns sample i's chrX log ratios over bins, levelled like its
// autosomes.
func (f *fitState) xRow(i int, bins []int32) []float64 {
	lv := 0.0
	for r, u := range f.used {
		if u == i {
			lv = f.level[r]
		}
	}
	out := make([]float64, len(bins))
	for a, j := range bins {
		out[a] = logRatio(f.rel(i, int(j)), f.median[j]) - lv
	}
	return out
}

// fit fits the regression on the reference rows (positions in f.used).
func (xm *xModel) fit(f *fitState, rows []int) {
	nf := len(rows)
	xm.kx = min(f.k, nf/3)
	s, means := centredScores(f.scores, rows, xm.kx)
	p := len(xm.bins)
	xm.mean = make([]float64, p)
	xs := make([][]float64, nf)
	for a, r := range rows {
		xs[a] = f.xRow(f.used[r], xm.bins)
		for j, v := range xs[a] {
			xm.mean[j] += v / float64(nf)
		}
	}
	xm.beta = make([][]float64, xm.kx)
	for k := range xm.beta {
		xm.beta[k] = make([]float64, p)
	}
	resid := mat.NewDense(nf, p, nil)
	var solver mat.Dense
	if xm.kx > 0 {
		var sts mat.Dense
		sts.Mul(s.T(), s)
		if err := solver.Inverse(&sts); err != nil {
			xm.kx = 0
			xm.beta = nil
		}
	}
	col := make([]float64, nf)
	for j := 0; j < p; j++ {
		for a := range rows {
			col[a] = xs[a][j] - xm.mean[j]
		}
		if xm.kx > 0 {
			stx := make([]float64, xm.kx)
			for k := 0; k < xm.kx; k++ {
				for a := range rows {
					stx[k] += s.At(a, k) * col[a]
				}
			}
			for k := 0; k < xm.kx; k++ {
				var b float64
				for m := 0; m < xm.kx; m++ {
					b += solver.At(k, m) * stx[m]
				}
				xm.beta[k][j] = b
			}
			for a := range rows {
				for k := 0; k < xm.kx; k++ {
					col[a] -= xm.beta[k][j] * s.At(a, k)
				}
			}
		}
		for a := range rows {
			resid.Set(a, j, col[a])
		}
	}
	// Means of the scores are removed by including them in the intercept.
	for j := 0; j < p; j++ {
		for k := 0; k < xm.kx; k++ {
			xm.mean[j] -= xm.beta[k][j] * means[k]
		}
	}
	xm.sigma = columnSD(resid, nf-1-xm.kx)
}

// centredScores returns the first k scores of the rows, centred, and their
// means.
func centredScores(scores [][]float64, rows []int, k int) (*mat.Dense, []float64) {
	means := make([]float64, k)
	for _, r := range rows {
		for c := 0; c < k; c++ {
			means[c] += scores[r][c] / float64(len(rows))
		}
	}
	if k == 0 {
		return nil, means
	}
	s := mat.NewDense(len(rows), k, nil)
	for a, r := range rows {
		for c := 0; c < k; c++ {
			s.Set(a, c, scores[r][c]-means[c])
		}
	}
	return s, means
}

// residual returns the chrX residual log ratios of a sample.
func (xm *xModel) residual(x, scores []float64) []float64 {
	out := make([]float64, len(x))
	for j, v := range x {
		r := v - xm.mean[j]
		for k := 0; k < xm.kx; k++ {
			r -= xm.beta[k][j] * scores[k]
		}
		out[j] = r
	}
	return out
}

// stat is the inverse-variance weighted mean chrX residual.
func (xm *xModel) stat(x, scores []float64) float64 {
	r := xm.residual(x, scores)
	var s, w float64
	for j, v := range r {
		wt := 1 / (xm.sigma[j] * xm.sigma[j])
		s += wt * v
		w += wt
	}
	return s / w
}

// xNull cross-validates the chrX statistic over the female references:
// in each fold the chromosome-level statistic is regressed on the training
// females' fold scores and predicted for the held-out females.
func (f *fitState) xNull(xm *xModel, rows []int) Null {
	isRow := map[int]bool{}
	for _, r := range rows {
		isRow[r] = true
	}
	raw := map[int]float64{} // row -> weighted mean raw log ratio
	var wt float64
	w := make([]float64, len(xm.bins))
	for j := range w {
		w[j] = 1 / (xm.sigma[j] * xm.sigma[j])
		wt += w[j]
	}
	for _, r := range rows {
		x := f.xRow(f.used[r], xm.bins)
		var s float64
		for j, v := range x {
			s += w[j] * v
		}
		raw[r] = s / wt
	}
	var held []float64
	for _, fd := range f.folds {
		k := min(xm.kx, len(fd.Lambda))
		var tr []int
		var trScores [][]float64
		for a, r := range fd.Train {
			if isRow[r] {
				tr = append(tr, r)
				trScores = append(trScores, fd.TrainScores[a])
			}
		}
		if len(tr) < k+2 {
			continue
		}
		b, icpt := regress(trScores, tr, raw, k)
		for bi, r := range fd.Test {
			if !isRow[r] {
				continue
			}
			pred := icpt
			for c := 0; c < k; c++ {
				pred += b[c] * fd.TestScores[bi][c]
			}
			held = append(held, raw[r]-pred)
		}
	}
	nl := nullOf(held)
	nl.Retention = 1
	// Poisson SD at the median depth, as for the autosomes.
	depth, _ := f.depthNoise()
	var me float64
	for _, j := range f.st.staticAuto() {
		if m := f.median[j]; !math.IsNaN(m) {
			me += m * f.st.Eff[j]
		}
	}
	var v float64
	for a, j := range xm.bins {
		e := depth * f.median[j] * f.st.Eff[j] / me
		wa := w[a] / wt
		v += wa * wa / (e * math.Ln2 * math.Ln2)
	}
	nl.Poisson = math.Sqrt(v)
	return nl
}

// regress fits y = icpt + Σ b_c s_c by least squares over the rows.
func regress(scores [][]float64, rows []int, y map[int]float64, k int) ([]float64, float64) {
	n := len(rows)
	a := mat.NewDense(n, k+1, nil)
	v := mat.NewVecDense(n, nil)
	for i, r := range rows {
		a.Set(i, 0, 1)
		for c := 0; c < k; c++ {
			a.Set(i, c+1, scores[i][c])
		}
		v.SetVec(i, y[r])
	}
	var sol mat.VecDense
	if err := sol.SolveVec(a, v); err != nil {
		var m float64
		for _, r := range rows {
			m += y[r] / float64(n)
		}
		return make([]float64, k), m
	}
	b := make([]float64, k)
	for c := range b {
		b[c] = sol.AtVec(c + 1)
	}
	return b, sol.AtVec(0)
}

// fitY selects the male-specific chrY bins and calibrates the chrY
// fetal-fraction scale against the male references' chrX deficit.
func (f *fitState) fitY(xm *xModel) ([]int32, fetalfraction.YModel, []string) {
	l := f.st.Layout
	fem, male := f.bySex()
	var warn []string
	var bins []int32
	for j := l.Offset[genome.ChrY]; j < l.Offset[genome.ChrY+1]; j++ {
		if f.st.Mask[j] != normalize.MaskNone {
			continue
		}
		if len(male) >= MinSexRefs {
			mm := medianOver(f, male, j)
			mf := 0.0
			if len(fem) > 0 {
				mf = medianOver(f, fem, j)
			}
			if !(mm > 0) || mf >= yFemaleShare*mm {
				f.mask[j] = normalize.MaskChrY
				continue
			}
		}
		bins = append(bins, int32(j))
	}
	if len(male) < MinSexRefs {
		warn = append(warn, fmt.Sprintf("only %d male-fetus reference samples (need %d): chrY bins not screened for male specificity and the chrY scale is uncalibrated", len(male), MinSexRefs))
	}
	y := make([]float64, len(f.ps))
	fx := make([]float64, len(f.ps))
	isMale := make([]bool, len(f.ps))
	isFem := make([]bool, len(f.ps))
	for r, i := range f.used {
		y[i] = YDosage(f.ps[i].Rel, bins) * math.Exp2(-f.level[r])
		fx[i] = math.NaN()
		isMale[i] = f.sex[i] == SexMale
		isFem[i] = f.sex[i] == SexFemale
		if isMale[i] && xm.ok {
			t := xm.stat(f.xRow(i, xm.bins), f.scores[r])
			fx[i] = 2 * (1 - math.Exp2(t))
		}
	}
	// Noise of f_X = 2(1 − 2^x): 2·ln2·SD of the chrX log2 dosage.
	fxSD := 0.0
	if xm.ok {
		fxSD = 2 * math.Ln2 * xm.null.SD
	}
	m := fetalfraction.FitY(y, isMale, isFem, fx, fxSD, len(bins))
	if !m.Calibrated && len(male) >= MinSexRefs {
		warn = append(warn, "chrY scale could not be calibrated against chrX: using the diploid-genome expectation")
	}
	if m.InterceptOffset() {
		warn = append(warn, fmt.Sprintf("the chrX fetal fraction of the male-fetus references is %+.1f ± %.1f points at zero chrY fetal fraction: their chrX differs from the female-fetus references' by more than the fetus's X (fetal sex confounded with sequencing batch or protocol?), so the chrY scale (%.4f against %.4f expected) and the chrX model are biased; build the reference from batches that each hold pregnancies of both fetal sexes",
			100*m.Intercept, 100*m.InterceptSE, m.Scale, 2/float64(max(len(bins), 1))))
	}
	return bins, *m, warn
}

func medianOver(f *fitState, rows []int, j int) float64 {
	v := make([]float64, len(rows))
	for a, i := range rows {
		v[a] = f.rel(i, j)
	}
	return stats.Median(v)
}

// YDosage is the summed relative coverage of the given chrY bins.
func YDosage[T float32 | float64](rel []T, bins []int32) float64 {
	var s float64
	for _, j := range bins {
		if v := float64(rel[j]); !math.IsNaN(v) {
			s += v
		}
	}
	return s
}
