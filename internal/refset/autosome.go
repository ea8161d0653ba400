package refset

import (
	"math"

	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/normalize"
	"github.com/nipt/nipt/internal/stats"
	"gonum.org/v1/gonum/mat"
)

// Data-driven masking thresholds.
const (
	// MinRelCoverage, MaxRelCoverage: after GC and mappability correction a
	// bin's reference median coverage should be near 1; a bin with less
	// than half or more than twice the typical coverage is dominated by
	// mapping artefacts (unresolved segmental duplications, satellite
	// arrays, annotation errors) rather than copy number.
	MinRelCoverage = 0.5
	MaxRelCoverage = 2.0
	// maxMissing: a bin for which more than 5% of the reference samples had
	// no usable value is masked.
	maxMissing = 0.05
	// varianceZ: bins whose noise (residual SD × whitening weight, i.e.
	// relative to the Poisson expectation) is an outlier by the modified
	// z-score > 3.5 of Iglewicz & Hoaglin (1993, "How to Detect and Handle
	// Outliers") are masked as high-variance.
	varianceZ = 3.5
)

// fitState carries one build iteration's intermediate results.
type fitState struct {
	// filters are the read filters common to the samples (commonFilters).
	filters *counts.Filters
	st      *Static
	ps      []*SampleProfile
	opt     Options
	sex     []uint8
	used    []int // indices into ps
	median  []float64
	mask    []uint8
	auto    []int32
	chrom   []int     // chromosome of each auto column
	omega   []float64 // whitening weight per auto column
	x       [][]float64
	y       *mat.Dense
	gram    *normalize.Gram
	folds   []normalize.Fold
	k       int
	crit    []float64
	pca     *normalize.PCA
	group   *normalize.GroupModel
	oof     *mat.Dense // out-of-fold leave-one-chromosome-out residuals
	resid   *mat.Dense
	scores  [][]float64
	sigma   []float64 // per auto column
	level   []float64 // per used sample: level (clipped mean log ratio) removed from x
	// outScale is the per-autosome scale of the outlier z-scores, fixed in
	// the first round (see outliers).
	outScale []float64
}

func (f *fitState) rel(i, j int) float64 { return float64(f.ps[i].Rel[j]) }

// medians computes the per-bin reference expectation: all used samples on
// autosomes, female-fetus samples on chrX, male-fetus samples on chrY.
// bySex returns the used references with a female and with a male fetus.
func (f *fitState) bySex() (fem, male []int) {
	for _, i := range f.used {
		switch f.sex[i] {
		case SexFemale:
			fem = append(fem, i)
		case SexMale:
			male = append(male, i)
		}
	}
	return fem, male
}

func (f *fitState) medians() {
	l := f.st.Layout
	f.median = make([]float64, l.NumBins())
	fem, male := f.bySex()
	threads := max(f.opt.Threads, 1)
	parallelFor(threads, threads, func(w int) {
		buf := make([]float64, 0, len(f.used))
		for j := w; j < len(f.median); j += threads {
			f.median[j] = math.NaN()
			if f.st.Mask[j] != normalize.MaskNone {
				continue
			}
			set := f.used
			switch {
			case j >= l.Offset[genome.ChrY]:
				set = male
			case j >= l.Offset[genome.ChrX]:
				set = fem
			}
			buf = buf[:0]
			for _, i := range set {
				buf = append(buf, f.rel(i, j))
			}
			f.median[j] = stats.Median(buf)
		}
	})
}

// coverageMask starts from the static mask and masks autosomal and chrX
// bins with extreme or missing reference coverage.
func (f *fitState) coverageMask() {
	l := f.st.Layout
	f.mask = append([]uint8(nil), f.st.Mask...)
	for j := 0; j < l.Offset[genome.ChrY]; j++ {
		if f.mask[j] != normalize.MaskNone {
			continue
		}
		m := f.median[j]
		switch {
		case math.IsNaN(m):
			f.mask[j] = normalize.MaskLowCoverage
		case m < MinRelCoverage:
			f.mask[j] = normalize.MaskLowCoverage
		case m > MaxRelCoverage:
			f.mask[j] = normalize.MaskHighCoverage
		}
		if f.mask[j] != normalize.MaskNone || j >= l.Offset[genome.ChrX] {
			continue
		}
		miss := 0
		for _, i := range f.used {
			if math.IsNaN(f.rel(i, j)) {
				miss++
			}
		}
		if float64(miss) > maxMissing*float64(len(f.used)) {
			f.mask[j] = normalize.MaskLowCoverage
		}
	}
}

// logRatio is a sample's log2 coverage ratio at bin j against the
// reference median; a missing value is imputed as 0 (the reference).
func logRatio(rel, median float64) float64 {
	v := math.Log2(rel / median)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// matrix builds the used samples' autosomal log ratios and whitened
// matrix over the unmasked autosomal columns.
func (f *fitState) matrix() {
	l := f.st.Layout
	f.auto, f.chrom, f.omega = nil, nil, nil
	var effSum float64
	for j := 0; j < l.Offset[genome.ChrX]; j++ {
		if f.mask[j] == normalize.MaskNone {
			effSum += f.st.Eff[j]
		}
	}
	for c := 0; c < genome.ChrX; c++ {
		for j := l.Offset[c]; j < l.Offset[c+1]; j++ {
			if f.mask[j] != normalize.MaskNone {
				continue
			}
			f.auto = append(f.auto, int32(j))
			f.chrom = append(f.chrom, c)
		}
	}
	meanEff := effSum / float64(len(f.auto))
	f.omega = make([]float64, len(f.auto))
	for a, j := range f.auto {
		// Poisson variance of the log ratio ∝ 1/expected reads ∝ 1/(m·eff).
		f.omega[a] = math.Sqrt(f.median[j] * f.st.Eff[j] / meanEff)
	}
	f.x = make([][]float64, len(f.used))
	f.level = make([]float64, len(f.used))
	parallelFor(len(f.used), f.opt.Threads, func(r int) {
		i := f.used[r]
		row := make([]float64, len(f.auto))
		for a, j := range f.auto {
			row[a] = logRatio(f.rel(i, int(j)), f.median[j])
		}
		// Level each sample on its log ratios as analysis does
		// (Sample.Level).
		lv := level(row, nil)
		for a := range row {
			row[a] -= lv
		}
		f.level[r] = lv
		f.x[r] = row
	})
	f.y = normalize.Whiten(f.x, f.omega)
	f.gram = normalize.NewGram(f.y, f.opt.Threads)
}

// cnvScale is the length of the blocks whose held-out noise, next to that
// of whole chromosomes, chooses the number of components: 5 Mb, the scale
// of the copy-number changes genome-wide NIPT reports (and the lower end of
// the brief's CNV targets).
const cnvScale = 5_000_000

// poissonFunctionals returns, per sample, the Poisson-weighted mean log
// ratio of each autosome and of consecutive blocks of about cnvScale: the
// functionals that choose the number of components, with weights giving
// the two groups equal say (trisomy calls depend on the first, CNV calls on
// the second).
func (f *fitState) poissonFunctionals() ([][]float64, []float64) {
	w := make([]float64, len(f.auto))
	var tot [genome.ChrX]float64
	for a := range f.auto {
		w[a] = f.omega[a] * f.omega[a]
		tot[f.chrom[a]] += w[a]
	}
	bl := max(1, int(math.Round(float64(cnvScale)/float64(f.st.Layout.BinSize))))
	// Block index of each column: consecutive runs of bl usable columns
	// within a chromosome (a short remainder joins no block).
	block := make([]int, len(f.auto))
	var btot []float64
	nb, run := 0, 0
	for a := range f.auto {
		if a > 0 && f.chrom[a] != f.chrom[a-1] {
			run = 0
		}
		if run == 0 {
			btot = append(btot, 0)
			nb = len(btot) - 1
		}
		block[a] = nb
		btot[nb] += w[a]
		run++
		if run == bl {
			run = 0
		}
	}
	nq := genome.ChrX + len(btot)
	F := make([][]float64, len(f.x))
	for r, row := range f.x {
		F[r] = make([]float64, nq)
		for a, v := range row {
			F[r][f.chrom[a]] += w[a] * v / tot[f.chrom[a]]
			F[r][genome.ChrX+block[a]] += w[a] * v / btot[block[a]]
		}
	}
	qw := make([]float64, nq)
	for q := range qw {
		if q < genome.ChrX {
			qw[q] = 0.5 / float64(genome.ChrX)
		} else {
			qw[q] = 0.5 / float64(len(btot))
		}
	}
	return F, qw
}

// nfolds is the number of cross-validation folds for n samples.
func (f *fitState) nfolds() int { return min(f.opt.Folds, len(f.used)) }

// kmax bounds the components tried: at most half the training samples of
// a fold, so that every component is estimated from enough samples.
func (f *fitState) kmax() int {
	n := len(f.used)
	train := n - (n+f.nfolds()-1)/f.nfolds()
	return max(0, min(f.opt.MaxComponents, train/2))
}

// components chooses the number of components by cross-validation and fits
// the PCA, residuals and per-bin SDs.
func (f *fitState) components() error {
	var err error
	f.folds, err = f.gram.Folds(f.nfolds(), f.kmax())
	if err != nil {
		return err
	}
	km := f.kmax()
	F, qw := f.poissonFunctionals()
	held := normalize.HeldOut(f.folds, F, km)
	f.k, f.crit = normalize.ChooseK(held, km, qw)
	f.pca, err = normalize.FitPCA(f.y, f.gram, f.omega, f.k, f.opt.Threads)
	if err != nil {
		return err
	}
	f.k = f.pca.K()
	f.group = normalize.NewGroupModel(f.pca.Basis(), f.chrom, genome.ChrX)
	n, p := len(f.used), len(f.auto)
	f.resid = mat.NewDense(n, p, nil)
	f.scores = make([][]float64, n)
	parallelFor(n, f.opt.Threads, func(r int) {
		res, sc := f.group.Residual(f.x[r], nil)
		f.resid.SetRow(r, res)
		f.scores[r] = sc
	})
	f.sigma = columnSD(f.resid, n-1-f.k)
	f.oof = nil // computed on demand (outliers, nulls)
	return nil
}
