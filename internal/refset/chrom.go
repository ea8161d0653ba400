package refset

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/normalize"
	"github.com/nipt/nipt/internal/stats"
)

// ncvExcluded are never NCV denominators: the chromosomes most often
// trisomic in pregnancy (13, 18, 21), whose dosage change would leak into
// every other chromosome's value.
var ncvExcluded = map[int]bool{12: true, 17: true, 20: true}

// refBins finds the within-sample reference bins on the final residuals and
// returns the functionals of the MethodRefBins statistic.
func (f *fitState) refBins() ([][]int32, []float64, []sparse, error) {
	opt := f.opt.RefBins
	opt.Threads = max(f.opt.Threads, 1)
	opt.K = min(opt.K, len(f.auto)/4)
	rb, err := normalize.RefBins(f.resid, f.chrom, opt)
	if err != nil {
		return nil, nil, nil, err
	}
	n := len(f.used)
	// Column-major copy of the residuals, so that a bin's values over the
	// samples are contiguous.
	p := len(f.auto)
	cols := make([]float64, p*n)
	for r := 0; r < n; r++ {
		for a, v := range f.resid.RawRowView(r) {
			cols[a*n+r] = v
		}
	}
	rbt := make([]float64, p*n) // column-major reference-bin values
	parallelFor(p, f.opt.Threads, func(a int) {
		acc := rbt[a*n : a*n+n]
		for _, b := range rb[a] {
			cb := cols[int(b)*n : int(b)*n+n]
			for r, v := range cb {
				acc[r] += v
			}
		}
		ca := cols[a*n : a*n+n]
		k := float64(len(rb[a]))
		for r := range acc {
			acc[r] = ca[r] - acc[r]/k
		}
	})
	rbv := mat.NewDense(n, p, nil)
	for a := 0; a < p; a++ {
		for r := 0; r < n; r++ {
			rbv.Set(r, a, rbt[a*n+r])
		}
	}
	sd := columnSD(rbv, n-1-f.k)
	// Functional per autosome: Σ_j w_j (x_j − mean_{R(j)} x) / Σ w_j.
	dense := make([][]float64, genome.ChrX)
	var tot [genome.ChrX]float64
	for a := range f.auto {
		tot[f.chrom[a]] += 1 / (sd[a] * sd[a])
	}
	for a := range f.auto {
		c := f.chrom[a]
		if dense[c] == nil {
			dense[c] = make([]float64, len(f.auto))
		}
		w := 1 / (sd[a] * sd[a]) / tot[c]
		dense[c][a] += w
		k := float64(len(rb[a]))
		for _, b := range rb[a] {
			dense[c][b] -= w / k
		}
	}
	fun := make([]sparse, genome.ChrX)
	for c, d := range dense {
		for a, v := range d {
			if v != 0 {
				fun[c].idx = append(fun[c].idx, a)
				fun[c].val = append(fun[c].val, v)
			}
		}
	}
	return rb, sd, fun, nil
}

// heldOutNull returns the cross-validated null of each functional (from
// the out-of-fold residuals) and the per-sample held-out values.
func (f *fitState) heldOutNull(fun []sparse) ([]Null, [][]float64) {
	nulls := make([]Null, len(fun))
	vals := make([][]float64, len(fun))
	for c := range fun {
		v := make([]float64, len(f.used))
		for r := range v {
			v[r] = sparseDot(fun[c], f.oof.RawRowView(r))
		}
		vals[c] = v
		nulls[c] = nullOf(v)
		nulls[c].Retention = f.retention(fun[c], c)
	}
	return nulls, vals
}

// nullOf summarises a statistic over the reference samples: mean and the
// predictive SD for a new sample, s·√(1 + 1/n).
func nullOf(v []float64) Null {
	m, s := stats.MeanSD(v)
	n := len(v)
	return Null{Mean: m, SD: s * math.Sqrt(1+1/float64(n)), N: n}
}

// retention returns the share of a whole-chromosome log-ratio shift on
// chromosome c that the functional still sees after normalisation
// (leave-one-chromosome-out: all of it on c itself; the reference bins on
// other chromosomes see a small leak).
func (f *fitState) retention(fun sparse, c int) float64 {
	p := len(f.auto)
	base := make([]float64, p)
	for a := range base {
		base[a] = f.pca.Mean[a] / f.omega[a]
	}
	shift := make([]float64, p)
	for a := range shift {
		shift[a] = base[a]
		if f.chrom[a] == c {
			shift[a]++
		}
	}
	r0, _ := f.group.Residual(base, nil)
	r1, _ := f.group.Residual(shift, nil)
	var num, den float64
	for k, a := range fun.idx {
		num += fun.val[k] * (r1[a] - r0[a])
		if f.chrom[a] == c {
			den += fun.val[k]
		}
	}
	if den == 0 {
		return math.NaN()
	}
	return num / den
}

// chromSums returns, per used sample, the GC-corrected read mass of each
// autosome over the unmasked bins (Σ Rel·eff; missing values take the
// reference median).
func (f *fitState) chromSums() [][]float64 {
	out := make([][]float64, len(f.used))
	for r, i := range f.used {
		s := make([]float64, genome.ChrX)
		for a, j := range f.auto {
			v := f.rel(i, int(j))
			if math.IsNaN(v) {
				v = f.median[j]
			}
			s[f.chrom[a]] += v * f.st.Eff[j]
		}
		out[r] = s
	}
	return out
}

// ncvValue is log2 of chromosome c's read mass over the denominator's.
func ncvValue(s []float64, c int, den []int) float64 {
	var d float64
	for _, k := range den {
		d += s[k]
	}
	return math.Log2(s[c] / d)
}

// ncvDenominator chooses chromosome c's NCV denominator on the samples
// rows (indices into sums) by greedy forward selection: add the chromosome
// that lowers the SD of the NCV most, stop when none does (Sehnert et al.
// 2011 searched all subsets of a smaller candidate set).
func ncvDenominator(sums [][]float64, rows []int, c int) []int {
	v := make([]float64, len(rows))
	sdOf := func(den []int) float64 {
		for a, r := range rows {
			v[a] = ncvValue(sums[r], c, den)
		}
		_, sd := stats.MeanSD(v)
		return sd
	}
	var den []int
	cur := math.Inf(1)
	for {
		bestK, bestSD := -1, cur
		for k := 0; k < genome.ChrX; k++ {
			if k == c || ncvExcluded[k] || contains(den, k) {
				continue
			}
			if s := sdOf(append(den, k)); s < bestSD {
				bestK, bestSD = k, s
			}
		}
		if bestK < 0 {
			break
		}
		den = append(den, bestK)
		cur = bestSD
	}
	return sortedInts(den)
}

// ncv chooses each autosome's NCV denominator on all used samples and
// estimates its null by cross-validation: in each fold the denominator is
// chosen on the training samples and the held-out samples' NCVs are
// compared with the training mean, so the SD reflects the selection (an
// in-sample SD of a selected denominator is optimistic).
func (f *fitState) ncv() ([][]int, []Null) {
	sums := f.chromSums()
	dens := make([][]int, genome.ChrX)
	nulls := make([]Null, genome.ChrX)
	all := make([]int, len(sums))
	for i := range all {
		all[i] = i
	}
	for c := 0; c < genome.ChrX; c++ {
		dens[c] = ncvDenominator(sums, all, c)
		var held []float64
		for _, fd := range f.folds {
			den := ncvDenominator(sums, fd.Train, c)
			var m float64
			for _, t := range fd.Train {
				m += ncvValue(sums[t], c, den) / float64(len(fd.Train))
			}
			for _, t := range fd.Test {
				held = append(held, ncvValue(sums[t], c, den)-m)
			}
		}
		v := make([]float64, len(sums))
		for r, s := range sums {
			v[r] = ncvValue(s, c, dens[c])
		}
		mean, _ := stats.MeanSD(v)
		var ss float64
		for _, h := range held {
			ss += h * h
		}
		nulls[c] = Null{Mean: mean, SD: math.Sqrt(ss / float64(len(held))), N: len(held), Retention: 1}
	}
	return dens, nulls
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func sortedInts(s []int) []int {
	out := append([]int(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// poissonSD returns, per functional, the SD that read sampling alone gives
// at the median autosomal depth of the used samples.
func (f *fitState) poissonSD(fun []sparse) []float64 {
	reads := make([]float64, len(f.used))
	for r, i := range f.used {
		var s float64
		for c := 0; c < genome.ChrX; c++ {
			s += float64(f.ps[i].UsedReads[c])
		}
		reads[r] = s
	}
	depth := stats.Median(reads)
	var me float64
	for _, j := range f.st.staticAuto() {
		if m := f.median[j]; !math.IsNaN(m) {
			me += m * f.st.Eff[j]
		}
	}
	out := make([]float64, len(fun))
	for c, s := range fun {
		var v float64
		for k, a := range s.idx {
			j := f.auto[a]
			e := depth * f.median[j] * f.st.Eff[j] / me
			v += s.val[k] * s.val[k] / (e * math.Ln2 * math.Ln2)
		}
		out[c] = math.Sqrt(v)
	}
	return out
}

// staticAuto lists the autosomal bins the static mask keeps.
func (s *Static) staticAuto() []int {
	var out []int
	for j := 0; j < s.Layout.Offset[genome.ChrX]; j++ {
		if s.Mask[j] == normalize.MaskNone {
			out = append(out, j)
		}
	}
	return out
}
