package refset

import (
	"fmt"
	"math"

	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/normalize"
	"github.com/nipt/nipt/internal/stats"
	"gonum.org/v1/gonum/mat"
)

// columnSD returns a robust SD per column of r, corrected for the dof
// degrees of freedom left by the fit. Robust by clipping: the RMS is
// recomputed twice with residuals beyond 4 RMS clipped to 4 RMS (Huber-type
// winsorising), so that one reference sample with a maternal CNV does not
// inflate a bin's SD, at no cost to normal data (clipping at 4 SD changes a
// normal SD by less than 0.1%).
func columnSD(r *mat.Dense, dof int) []float64 {
	n, p := r.Dims()
	corr := math.Sqrt(float64(n) / float64(max(dof, 1)))
	ss := make([]float64, p)
	for i := 0; i < n; i++ {
		for j, v := range r.RawRowView(i) {
			ss[j] += v * v
		}
	}
	out := make([]float64, p)
	for j := range out {
		out[j] = math.Sqrt(ss[j] / float64(n))
	}
	for it := 0; it < 2; it++ {
		for j := range ss {
			ss[j] = 0
		}
		for i := 0; i < n; i++ {
			for j, v := range r.RawRowView(i) {
				c := 4 * out[j]
				v = math.Max(-c, math.Min(c, v))
				ss[j] += v * v
			}
		}
		for j := range out {
			out[j] = math.Sqrt(ss[j] / float64(n))
		}
	}
	for j := range out {
		out[j] = math.Max(out[j]*corr, 1e-6)
	}
	return out
}

// varianceMask masks high-variance autosomal bins; it reports how many.
func (f *fitState) varianceMask() int {
	q := make([]float64, len(f.auto))
	for a := range q {
		q[a] = math.Log(f.sigma[a] * f.omega[a])
	}
	med, mad := stats.MedianMAD(q)
	n := 0
	for a, j := range f.auto {
		// modified z = 0.6745 (x − median)/MAD_raw = (x − median)/MAD_scaled
		if (q[a]-med)/mad > varianceZ {
			f.mask[j] = normalize.MaskHighVariance
			n++
		}
	}
	return n
}

// outliers returns the used samples whose cross-validated chromosome
// z-score exceeds the threshold on any autosome, with the reason. The
// z-score is robust: (value − median) / scale, with the biweight scale of
// the first round kept for later rounds — recomputing it after each
// exclusion would shrink it round after round and exclude ever more
// euploid samples (the well-known cascade of iterative outlier removal).
func (f *fitState) outliers() map[int]string {
	f.oof = f.oofResiduals()
	fun := f.pcaFunctionals()
	first := f.outScale == nil
	if first {
		f.outScale = make([]float64, genome.ChrX)
	}
	out := map[int]string{}
	for c := 0; c < genome.ChrX; c++ {
		v := make([]float64, len(f.used))
		for r := range f.used {
			v[r] = sparseDot(fun[c], f.oof.RawRowView(r))
		}
		if first {
			f.outScale[c] = stats.BiweightScale(v)
		}
		med := stats.Median(v)
		for r, x := range v {
			z := (x - med) / f.outScale[c]
			if math.Abs(z) > f.opt.OutlierZ {
				i := f.used[r]
				if _, dup := out[i]; !dup {
					out[i] = fmt.Sprintf("outlier: %s z = %.1f (possible aneuploidy or large CNV)", genome.ChromName(c), z)
				}
			}
		}
	}
	return out
}

// sparse is a sparse vector over auto columns.
type sparse struct {
	idx []int
	val []float64
}

func sparseDot(s sparse, x []float64) float64 {
	var t float64
	for k, i := range s.idx {
		t += s.val[k] * x[i]
	}
	return t
}

// pcaFunctionals returns, per autosome, the weights of the MethodPCA
// statistic over auto columns.
func (f *fitState) pcaFunctionals() []sparse {
	out := make([]sparse, genome.ChrX)
	var tot [genome.ChrX]float64
	for a := range f.auto {
		tot[f.chrom[a]] += 1 / (f.sigma[a] * f.sigma[a])
	}
	for a := range f.auto {
		c := f.chrom[a]
		out[c].idx = append(out[c].idx, a)
		out[c].val = append(out[c].val, 1/(f.sigma[a]*f.sigma[a])/tot[c])
	}
	return out
}
