package refset

import (
	"math"
	"sync"

	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/normalize"
	"gonum.org/v1/gonum/mat"
)

// oofResiduals returns each used sample's out-of-fold residual log ratios
// over the autosomal columns: the PCA of its fold's training samples
// applied to it (leave-one-chromosome-out, as in analysis), exactly what a
// new sample experiences.
func (f *fitState) oofResiduals() *mat.Dense {
	n, p := len(f.used), len(f.auto)
	out := mat.NewDense(n, p, nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < max(f.opt.Threads, 1); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for fi := range next {
				f.oofFold(f.folds[fi], out)
			}
		}()
	}
	for fi := range f.folds {
		next <- fi
	}
	close(next)
	wg.Wait()
	return out
}

// oofFold fills the out-of-fold residuals of one fold's test samples.
func (f *fitState) oofFold(fd normalize.Fold, out *mat.Dense) {
	p := len(f.auto)
	{
		k := min(f.k, len(fd.Lambda))
		mean := make([]float64, p)
		for _, t := range fd.Train {
			for a, v := range f.y.RawRowView(t) {
				mean[a] += v
			}
		}
		for a := range mean {
			mean[a] /= float64(len(fd.Train))
		}
		// V = C·(Y − 1·meanᵀ) with C[j][t] = score_tj/λ_j on training rows
		// (zero elsewhere): one matrix product over the whole cohort.
		n := len(f.used)
		cm := mat.NewDense(max(k, 1), n, nil)
		csum := make([]float64, k)
		for j := 0; j < k; j++ {
			for ti, t := range fd.Train {
				u := fd.TrainScores[ti][j] / fd.Lambda[j]
				cm.Set(j, t, u)
				csum[j] += u
			}
		}
		comps := make([][]float64, k)
		if k > 0 {
			var v mat.Dense
			v.Mul(cm, f.y)
			for j := 0; j < k; j++ {
				row := v.RawRowView(j)
				for a := range row {
					row[a] -= csum[j] * mean[a]
				}
				comps[j] = row
			}
		}
		gm := normalize.NewGroupModel(normalize.Basis{Components: comps, Weight: f.omega, Mean: mean}, f.chrom, genome.ChrX)
		for _, i := range fd.Test {
			res, _ := gm.Residual(f.x[i], nil)
			out.SetRow(i, res)
		}
	}
}

// blockSizes are the segment lengths (usable bins) at which the noise
// inflation is measured.
func blockSizes(maxBins int) []int {
	var s []int
	for n := 1; n <= maxBins; n *= 2 {
		s = append(s, n)
	}
	return s
}

// kappa measures, on out-of-fold residuals, how much the noise of the mean
// of n consecutive usable bins exceeds what the per-bin SDs predict for
// independent bins: κ(n) = RMS of Σw·x/√Σw over non-overlapping blocks of
// n bins of every chromosome and sample, with w = 1/σ² rescaled to the
// sample's depth and noise (as in analysis). κ(1) > 1 reflects the
// estimation error of the components (leverage); growth with n reflects
// correlated noise the components leave. Segment standard errors in
// analysis are multiplied by κ(n).
func (f *fitState) kappa(oof *mat.Dense) ([]int, []float64) {
	maxBins := 0
	var starts []int
	for a := range f.auto {
		if a == 0 || f.chrom[a] != f.chrom[a-1] {
			starts = append(starts, a)
		}
	}
	starts = append(starts, len(f.auto))
	for c := 0; c+1 < len(starts); c++ {
		maxBins = max(maxBins, starts[c+1]-starts[c])
	}
	sizes := blockSizes(maxBins / 2)
	depth, noise := f.depthNoise()
	ks := make([]float64, len(sizes))
	for si, n := range sizes {
		var ss float64
		var m int
		for r, i := range f.used {
			g := scale(depth, noise, f.ps[i])
			row := oof.RawRowView(r)
			for c := 0; c+1 < len(starts); c++ {
				for a := starts[c]; a+n <= starts[c+1]; a += n {
					var sw, swx float64
					for b := a; b < a+n; b++ {
						w := 1 / (f.sigma[b] * f.sigma[b] * g)
						sw += w
						swx += w * row[b]
					}
					z := swx / math.Sqrt(sw)
					ss += z * z
					m++
				}
			}
		}
		ks[si] = math.Sqrt(ss / float64(m))
	}
	// κ cannot fall with n in expectation (correlations are not negative on
	// average); make it non-decreasing to damp sampling noise at large n.
	for i := 1; i < len(ks); i++ {
		ks[i] = math.Max(ks[i], ks[i-1])
	}
	return sizes, ks
}

// scale is the Poisson variance factor of a sample relative to the
// reference (depth ratio times squared excess noise, as in analysis).
func scale(depth, noise float64, p *SampleProfile) float64 {
	var d float64
	for c := 0; c < genome.ChrX; c++ {
		d += float64(p.UsedReads[c])
	}
	nf := math.Max(1, p.Noise/noise)
	if math.IsNaN(nf) {
		nf = 1
	}
	return depth / d * nf * nf
}

// Kappa returns the noise inflation κ(n) for a segment of n usable bins,
// interpolated linearly in log n between the measured block sizes and
// held constant beyond them (1 for a reference without the measurement).
func (r *Reference) Kappa(n int) float64 { return InterpKappa(r.KappaSizes, r.KappaValues, n) }
