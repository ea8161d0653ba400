package refset

import (
	"fmt"
	"math"
	"sort"

	"github.com/nipt/nipt/internal/fetalfraction"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/stats"
	"gonum.org/v1/gonum/mat"
)

// Short-fragment track (docs/method.md §8). Fetal cell-free DNA is shorter
// than maternal DNA, so a fetal copy-number change moves not only a
// region's read depth but also its share of short fragments: a fetal gain
// raises the region's fetal share from f to about f + f/2·(1 − f), and the
// short share by β times that, where β is the difference between the
// short shares of fetal and maternal fragments (Yu et al. 2014, PNAS
// 111:8583; Chan et al. 2004, Clin Chem 50:88). The reference stores each
// autosomal bin's expected short share; a sample's departure from it is a
// second, nearly independent measurement of a fetal change's level, which
// the fetal-CNV scan combines with the read depth. β is learned from the
// reference's own male-fetus pregnancies (their chrY fragments, which are
// fetal, against their autosomal ones; shortBeta), the noise from its
// residuals, so the weight the track gets is what the laboratory's data
// support, whatever its fragment-size profile.

// ShortModel is the reference's short-fragment model.
type ShortModel struct {
	// Samples is the number of paired-end reference samples behind Mu.
	Samples int `json:"samples"`
	// Beta is the rise of a sample's autosomal short-fragment share per
	// unit of fetal fraction (short share of fetal minus maternal
	// fragments), estimated within the male-fetus references from their
	// chrY fragments (shortBeta); BetaSE its standard error and BetaN the
	// samples behind it.
	Beta   float64 `json:"beta"`
	BetaSE float64 `json:"beta_se"`
	BetaN  int     `json:"beta_samples"`
	// Phi is the variance of the references' standardised short-share
	// residuals (1 for binomial sampling noise alone).
	Phi float64 `json:"phi"`
	// KappaSizes and KappaValues: noise inflation of the mean of n
	// consecutive bins' standardised residuals over independent bins
	// (as Meta.KappaSizes for the read depth).
	KappaSizes  []int     `json:"kappa_sizes"`
	KappaValues []float64 `json:"kappa"`
	// Mu is the expected short share of each modelled autosomal bin, in
	// the order of Reference.Auto (NaN where the references had no reads);
	// stored in the binary section "short.mu".
	Mu []float64 `json:"-"`
}

// Kappa returns the short track's noise inflation for n consecutive bins.
func (m *ShortModel) Kappa(n int) float64 { return InterpKappa(m.KappaSizes, m.KappaValues, n) }

// minShortReads is the fewest reads a bin needs for its short share to
// enter the track (the binomial variance is then a fair Gaussian
// approximation for the window sums the scan forms).
const minShortReads = 10

// minShortSamples is the fewest paired-end reference samples a short
// model is fitted from.
const minShortSamples = 20

// ShortResiduals returns a sample's short-share residuals y (observed minus
// expected) and their binomial variances v per global bin (NaN where the
// track has no value), given the expected shares mu over the bins auto and
// the sample's merged read and short counts. The expectation is mu
// shifted by a sample-specific level and GC slope, fitted by weighted
// least squares over all bins: a sample's overall short share depends on
// its fetal fraction and library preparation, and fragment length varies
// with GC content, but neither is a regional change.
func ShortResiduals(st *Static, auto []int32, mu []float64, reads, short []uint32) (y, v []float64) {
	nb := st.Layout.NumBins()
	y = make([]float64, nb)
	v = make([]float64, nb)
	for j := range y {
		y[j], v[j] = math.NaN(), math.NaN()
	}
	// Weighted least squares of (s − μ) on [1, g, g²], g = gc − 0.4, over
	// the bins with enough reads, an expected share and a GC value. A
	// sample's short share bends with GC (its fragment lengths and its GC
	// bias interact, differently from library to library); with a line
	// only, the GC-extreme regions kept residuals that at 20–30 M reads made
	// 3 Mb "fetal CNVs" in one sample in ten.
	use := make([]int, 0, len(auto)) // positions in auto
	var xtx [3][3]float64
	var xty [3]float64
	for a, j := range auto {
		n := float64(reads[j])
		m := mu[a]
		if n < minShortReads || !(m > 0 && m < 1) || math.IsNaN(st.GC[j]) {
			continue
		}
		use = append(use, a)
		w := n / (m * (1 - m))
		g := st.GC[j] - 0.4
		x := [3]float64{1, g, g * g}
		d := float64(short[j])/n - m
		for r := range 3 {
			for c := range 3 {
				xtx[r][c] += w * x[r] * x[c]
			}
			xty[r] += w * x[r] * d
		}
	}
	if len(use) == 0 {
		return y, v
	}
	coef := solveSmall(xtx, xty)
	for _, a := range use {
		j := auto[a]
		n := float64(reads[j])
		g := st.GC[j] - 0.4
		e := math.Min(math.Max(mu[a]+coef[0]+coef[1]*g+coef[2]*g*g, 1e-3), 1-1e-3)
		y[j] = float64(short[j])/n - e
		v[j] = e * (1 - e) / n
	}
	return y, v
}

// solveSmall solves the 3×3 weighted normal equations of ShortResiduals;
// when they are singular (GC does not vary) it drops the GC terms from the
// end: the line, then the level alone.
func solveSmall(a [3][3]float64, b [3]float64) [3]float64 {
	for k := 3; k >= 1; k-- {
		m := mat.NewSymDense(k, nil)
		for r := range k {
			for c := r; c < k; c++ {
				m.SetSym(r, c, a[r][c])
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(m) || ch.Cond() > 1e12 {
			continue
		}
		var x mat.VecDense
		if err := ch.SolveVecTo(&x, mat.NewVecDense(k, b[:k:k])); err != nil {
			continue
		}
		var out [3]float64
		for i := range k {
			out[i] = x.AtVec(i)
		}
		return out
	}
	return [3]float64{}
}

// ShortPhi is the robust variance of the standardised residuals y/√v
// (squared 1.4826·MAD): a sample's own excess short-share noise.
func ShortPhi(y, v []float64) float64 {
	var z []float64
	for j, x := range y {
		if !math.IsNaN(x) && v[j] > 0 {
			z = append(z, x/math.Sqrt(v[j]))
		}
	}
	if len(z) < 100 {
		return math.NaN()
	}
	s := stats.MAD(z)
	return s * s
}

// fitShort fits the short-fragment model from the used paired-end samples
// (leave-one-out expectations for the noise), with β from the male-fetus
// rows (positions in f.used), their chrY fetal fractions target, the chrY
// model ym and its male-specific bins ybins (shortBeta). It returns nil
// and the reason when the data cannot support one.
func (f *fitState) fitShort(rows []int, target []float64, ym fetalfraction.YModel, ybins []int32) (*ShortModel, string) {
	var pool []int // indices into ps
	for _, i := range f.used {
		if p := f.ps[i]; p.Paired && p.BinShort != nil && p.BinReads != nil {
			pool = append(pool, i)
		}
	}
	if len(pool) < minShortSamples {
		if len(pool) == 0 {
			return nil, ""
		}
		return nil, fmt.Sprintf("%d paired-end reference samples with per-bin fragment counts (need %d): no short-fragment track for the fetal-CNV scan", len(pool), minShortSamples)
	}
	m := &ShortModel{Samples: len(pool)}
	m.Beta, m.BetaSE, m.BetaN = f.shortBeta(rows, target, ym, ybins)
	if m.BetaN < 10 {
		return nil, fmt.Sprintf("%d paired-end male-fetus reference samples with chrY fragments and a chrY fetal fraction (need 10): no short-fragment track for the fetal-CNV scan", m.BetaN)
	}
	if !(m.Beta > 2*m.BetaSE) {
		return nil, fmt.Sprintf("fetal fragments (chrY of male-fetus references) are not shorter than maternal ones by two standard errors (short-share difference %.3f ± %.3f): no short-fragment track for the fetal-CNV scan", m.Beta, m.BetaSE)
	}
	pa := len(f.auto)
	totS := make([]float64, pa)
	totN := make([]float64, pa)
	for _, i := range pool {
		p := f.ps[i]
		for a, j := range f.auto {
			totS[a] += float64(p.BinShort[j])
			totN[a] += float64(p.BinReads[j])
		}
	}
	m.Mu = make([]float64, pa)
	for a := range m.Mu {
		m.Mu[a] = math.NaN()
		if totN[a] > 0 {
			m.Mu[a] = totS[a] / totN[a]
		}
	}
	// Leave-one-out residuals of pool sample k (recomputed where needed
	// rather than held: for 200 samples at 50 kb they would take 190 MB).
	loo := make([]float64, pa)
	residuals := func(k int) (y, v []float64) {
		p := f.ps[pool[k]]
		for a, j := range f.auto {
			loo[a] = math.NaN()
			if n := totN[a] - float64(p.BinReads[j]); n > 0 {
				loo[a] = (totS[a] - float64(p.BinShort[j])) / n
			}
		}
		return ShortResiduals(f.st, f.auto, loo, p.BinReads, p.BinShort)
	}
	z := make([]float64, 0, len(pool)*len(f.auto))
	for k := range pool {
		y, v := residuals(k)
		for _, j := range f.auto {
			if !math.IsNaN(y[j]) {
				z = append(z, y[j]/math.Sqrt(v[j]))
			}
		}
	}
	if len(z) == 0 {
		return nil, "no reference bin has enough reads for a short-fragment share: no short-fragment track for the fetal-CNV scan"
	}
	s := stats.MAD(z)
	m.Phi = math.Max(s*s, 1e-6)
	m.KappaSizes, m.KappaValues = f.shortKappa(len(pool), residuals, m.Phi)
	return m, ""
}

// minShortYReads is the fewest chrY reads (male-specific bins) a
// male-fetus reference needs to enter the estimate of β, and
// minShortBgReads the fewest pooled chrY reads of the female-fetus
// references behind the background's short share.
const (
	minShortYReads  = 20
	minShortBgReads = 100
)

// shortBeta estimates β, the short share of fetal minus maternal
// fragments, within samples: a male-fetus reference's chrY fragments are
// fetal (up to the mismapped background that female-fetus references
// show), so its chrY short share s_Y measures the fetal short share s_f
// directly, and its autosomal share is s_A = s_m + f·(s_f − s_m), which
// gives β_i = (s_f − s_A)/(1 − f). The background share of a male's chrY
// reads is b = α/(α + f/γ) (α and γ of the chrY model) with the short
// share s_bg the female-fetus references' chrY reads have (pooled; the
// male's own autosomal share when they hold fewer than minShortBgReads),
// so s_f = (s_Y − b·s_bg)/(1 − b). Both
// shares come from the same library, so the between-sample variation of
// fragment sizes (extraction, clean-up, storage), which dominates the
// regression of the autosomal share on the fetal fraction across samples,
// cancels; only the counting noise of the chrY reads remains. β is the
// mean of β_i weighted by their binomial precision, its SE the sandwich
// estimate, which includes the between-pregnancy spread of β. Returns
// n = 0 when no male-fetus reference qualifies.
func (f *fitState) shortBeta(rows []int, target []float64, ym fetalfraction.YModel, ybins []int32) (beta, se float64, n int) {
	ySums := func(p *SampleProfile) (short, reads float64) {
		for _, j := range ybins {
			short += float64(p.BinShort[j])
			reads += float64(p.BinReads[j])
		}
		return short, reads
	}
	var bgS, bgN float64
	for _, i := range f.used {
		if p := f.ps[i]; f.sex[i] == SexFemale && p.Paired && p.BinShort != nil && p.BinReads != nil {
			s, r := ySums(p)
			bgS += s
			bgN += r
		}
	}
	var bs, ws []float64
	for k, r := range rows {
		p := f.ps[f.used[r]]
		ff := target[k]
		if !p.Paired || p.BinShort == nil || p.BinReads == nil || math.IsNaN(p.ShortFraction) || !(ff > 0 && ff < 1) {
			continue
		}
		s, nY := ySums(p)
		if nY < minShortYReads {
			continue
		}
		sY := s / nY
		b := 0.0
		if ym.Scale > 0 && ym.Background > 0 {
			b = math.Min(ym.Background/(ym.Background+ff/ym.Scale), 0.9)
		}
		sBg := p.ShortFraction
		if bgN >= minShortBgReads {
			sBg = bgS / bgN
		}
		sF := (sY - b*sBg) / (1 - b)
		bs = append(bs, (sF-p.ShortFraction)/(1-ff))
		// Var β_i ≈ s_Y(1 − s_Y)/(n_Y (1 − b)² (1 − f)²).
		ws = append(ws, nY*(1-b)*(1-b)*(1-ff)*(1-ff)/math.Max(sY*(1-sY), 1e-3))
	}
	n = len(bs)
	if n < 2 {
		return math.NaN(), math.NaN(), n
	}
	var sw, swb float64
	for i, b := range bs {
		sw += ws[i]
		swb += ws[i] * b
	}
	beta = swb / sw
	var v float64
	for i, b := range bs {
		d := ws[i] * (b - beta)
		v += d * d
	}
	se = math.Sqrt(v*float64(n)/float64(n-1)) / sw
	return beta, se, n
}

// shortKappa measures the short track's noise inflation as kappa does for
// the read depth: RMS over non-overlapping blocks of n consecutive
// modelled bins (per chromosome, every one of the samples, whose residuals
// y and variances v residuals returns) of Σ(y/(φv))/√Σ(1/(φv)).
func (f *fitState) shortKappa(samples int, residuals func(int) (y, v []float64), phi float64) ([]int, []float64) {
	var starts []int
	for a := range f.auto {
		if a == 0 || f.chrom[a] != f.chrom[a-1] {
			starts = append(starts, a)
		}
	}
	starts = append(starts, len(f.auto))
	maxBins := 0
	for c := 0; c+1 < len(starts); c++ {
		maxBins = max(maxBins, starts[c+1]-starts[c])
	}
	sizes := blockSizes(maxBins / 2)
	ss := make([]float64, len(sizes))
	cnt := make([]int, len(sizes))
	for k := range samples {
		y, v := residuals(k)
		for si, n := range sizes {
			for c := 0; c+1 < len(starts); c++ {
				for a := starts[c]; a+n <= starts[c+1]; a += n {
					var sw, swy float64
					for b := a; b < a+n; b++ {
						j := f.auto[b]
						if math.IsNaN(y[j]) {
							continue
						}
						w := 1 / (phi * v[j])
						sw += w
						swy += w * y[j]
					}
					if sw > 0 {
						z := swy / math.Sqrt(sw)
						ss[si] += z * z
						cnt[si]++
					}
				}
			}
		}
	}
	ks := make([]float64, len(sizes))
	for si := range sizes {
		ks[si] = 1
		if cnt[si] > 0 {
			ks[si] = math.Sqrt(ss[si] / float64(cnt[si]))
		}
	}
	for i := 1; i < len(ks); i++ {
		ks[i] = math.Max(ks[i], ks[i-1])
	}
	return sizes, ks
}

// InterpKappa interpolates a measured noise inflation κ(n) linearly in
// log n between the block sizes s (values k) and holds it constant beyond
// them (1 without a measurement).
func InterpKappa(s []int, k []float64, n int) float64 {
	if len(s) == 0 || n < 1 {
		return 1
	}
	i := sort.SearchInts(s, n)
	switch {
	case i == 0:
		return k[0]
	case i >= len(s):
		return k[len(k)-1]
	case s[i] == n:
		return k[i]
	}
	t := (math.Log(float64(n)) - math.Log(float64(s[i-1]))) / (math.Log(float64(s[i])) - math.Log(float64(s[i-1])))
	return k[i-1] + t*(k[i]-k[i-1])
}

// minOwnKappaBlocks is the fewest blocks a sample's own short-track noise
// inflation is measured from (the MAD of fewer has more than ~20% error).
const minOwnKappaBlocks = 30

// ShortOwnKappa measures one sample's short-track noise inflation for each
// block size in sizes as the reference does (shortKappa), from the sample's
// residuals y and variances v (φ applied) over the modelled bins auto of
// layout l: the spread of Σ(y/v)/√Σ(1/v) over non-overlapping blocks of n
// consecutive bins within chromosomes, robustly (1.4826·MAD around the
// median, so that a real change in a few blocks does not count as noise).
// A sample whose fragment sizes vary along the genome more than the
// reference samples' did (a library whose size profile tracks GC or
// mappability differently) has correlated residuals that the reference's
// average κ understates: at 20–30 M reads this doubled the scan's false
// calls. Sizes with fewer than minOwnKappaBlocks blocks get NaN.
func ShortOwnKappa(l *genome.Layout, auto []int32, y, v []float64, sizes []int) []float64 {
	// Runs of modelled bins on one chromosome: auto[bounds[i]:bounds[i+1]].
	bounds := []int{0}
	for a := 1; a < len(auto); a++ {
		if chromOf(l, int(auto[a-1])) != chromOf(l, int(auto[a])) {
			bounds = append(bounds, a)
		}
	}
	bounds = append(bounds, len(auto))
	out := make([]float64, len(sizes))
	for si, n := range sizes {
		var zs []float64
		for r := 0; r+1 < len(bounds); r++ {
			for s := bounds[r]; s+n <= bounds[r+1]; s += n {
				var sw, swy float64
				for _, j := range auto[s : s+n] {
					if math.IsNaN(y[j]) || !(v[j] > 0) {
						continue
					}
					sw += 1 / v[j]
					swy += y[j] / v[j]
				}
				if sw > 0 {
					zs = append(zs, swy/math.Sqrt(sw))
				}
			}
		}
		out[si] = math.NaN()
		if len(zs) >= minOwnKappaBlocks {
			out[si] = stats.MAD(zs)
		}
	}
	return out
}
