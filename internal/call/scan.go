package call

import (
	"math"
	"sort"

	"github.com/nipt/nipt/internal/stats"
)

// Fetal-CNV scan: a likelihood-ratio scan for segments whose level matches
// a fetal copy-number change, ratio 1 ± f/2 at this sample's fetal fraction
// f (docs/method.md §8). Circular binary segmentation tests every arc
// against an unknown level, so it pays for levels no fetal change can
// produce; knowing the level of a fetal gain or loss, the scan compares
// "level log2(1 ± f/2)" with "level 0" for every window of at least
// Config.CNVMinSize, which needs a smaller excursion for the same
// genome-wide false-call rate.
//
// For a window with weighted mean x̄, SE s and z = x̄/s, the log LR of a
// fetal change of level δ(f) versus none is δ_z·z − δ_z²/2 with δ_z = δ/s,
// integrated over the fetal-fraction uncertainty. A window is significant
// when its log LR exceeds c, set so that a sample without any change has a
// significant window somewhere with probability Config.CNVScanFalseCalls, by
// the Siegmund-type approximation for the maximum of a variable-window
// scan of standardised sums (Siegmund & Venkatraman 1995, Ann Stat
// 23:255; the known-baseline form of the CBS p-value of package segment):
//
//	P(max > c) ≈ Σ_chrom Σ_L (m − L + 1) · Σ_± φ(b)/b · [b²/(2L) · ν(b/√L)]²
//
// where b = b_L±(c) is the z a window of L bins needs (log LR = c).

// ScanInput is what the fetal-CNV scan needs beyond the segmentation input.
type ScanInput struct {
	SegmentInput
	// FF is the sample's fetal fraction; when it is unknown the scan's
	// levels come from the population distribution (Config.PopulationFF).
	FF FFPrior
	// MinBins is the shortest window (usable bins) scanned.
	MinBins int
}

// scanNodes is the number of fetal-fraction levels the scan's
// alternative averages over: equal-mass nodes at the (k + ½)/scanNodes
// quantiles of the fetal fraction's posterior. Seven keep the log LR within
// a few hundredths of the full integral for the smooth posteriors here at
// a seventh of the cost of the scan per level.
const scanNodes = 7

// scanLevels returns the fetal-fraction levels (values ≥ 0.5%) and weights
// of the scan's alternative: quantile nodes of the posterior of the fetal
// fraction — the estimate's likelihood times the population distribution
// (pop), as the trisomy calls use it — so that an estimate far from the
// truth (a sex-blind estimate reading 23% for a true 16%) does not set the
// expected level of a fetal change on its own.
func scanLevels(ff FFPrior, pop PopulationFF) (f, w []float64) {
	grid, gw := ff.gridWith(pop)
	var cum float64
	k := 0
	for i, x := range grid {
		cum += gw[i]
		for k < scanNodes && cum >= (float64(k)+0.5)/scanNodes {
			if x >= 0.005 && x <= MaxFF {
				f = append(f, x)
				w = append(w, 1)
			}
			k++
		}
	}
	var tot float64
	for _, x := range w {
		tot += x
	}
	for i := range w {
		w[i] /= tot
	}
	return f, w
}

// fetalLevels returns the absolute log2 depth levels of a fetal gain,
// log2(1 + f/2), and of a fetal loss, −log2(1 − f/2), at fetal fractions fs.
func fetalLevels(fs []float64) (gain, loss []float64) {
	gain = make([]float64, len(fs))
	loss = make([]float64, len(fs))
	for k, f := range fs {
		gain[k] = math.Log2(1 + f/2)
		loss[k] = -math.Log2(1 - f/2)
	}
	return gain, loss
}

// scanLLR is the log LR of a fetal change with level δ(f) (δ > 0; losses
// pass −z) for a window with z-score z and z-scale 1/s (δ_z = δ·inv).
func scanLLR(z, inv float64, delta, w []float64) float64 {
	terms := make([]float64, len(delta))
	for k, d := range delta {
		dz := d * inv
		terms[k] = math.Log(w[k]) + dz*z - dz*dz/2
	}
	return logSumExp(terms)
}

// critZ returns the z at which a window with z-scale inv reaches log LR c
// (Newton's method from the single-level solution; the log LR is convex
// and increasing in z for z > 0, with slope the posterior mean of δ_z).
func critZ(c, inv float64, delta, w []float64) float64 {
	var dm float64
	for k, d := range delta {
		dm += w[k] * d * inv
	}
	z := dm/2 + c/dm
	for range 8 {
		terms := make([]float64, len(delta))
		for k, d := range delta {
			dz := d * inv
			terms[k] = math.Log(w[k]) + dz*z - dz*dz/2
		}
		n := logSumExp(terms)
		var slope float64
		for k, d := range delta {
			slope += math.Exp(terms[k]-n) * d * inv
		}
		step := (n - c) / slope
		z -= step
		if math.Abs(step) < 1e-6 {
			break
		}
	}
	return z
}

// scanChrom holds one chromosome's usable bins in order: prefix sums of
// weights and weighted values, and their global indices.
type scanChrom struct {
	chrom  int
	idx    []int
	sw, sx []float64 // prefix sums, len(idx)+1
}

// scanFalseRate approximates the genome-wide probability that some window
// of minBins…(90% of its chromosome) bins reaches log LR c under no change.
// The sum over window lengths runs on a grid 5% apart (the summand is
// smooth in L) and stops where b has passed its minimum and exceeds 8
// (φ(8) < 1e-14).
func scanFalseRate(c float64, chroms []scanChrom, minBins int, kappa func(int) float64, gain, loss, w []float64) float64 {
	var p float64
	for _, ch := range chroms {
		m := len(ch.idx)
		wbar := ch.sw[m] / float64(m)
		maxBins := int(wholeChrom * float64(m))
		for l := minBins; l <= maxBins; {
			step := max(1, l/20)
			inv := math.Sqrt(wbar*float64(l)) / kappa(l)
			lf := float64(l)
			bmin := math.Inf(1)
			for _, d := range [][]float64{gain, loss} {
				b := critZ(c, inv, d, w)
				bmin = math.Min(bmin, b)
				term := b * b / (2 * lf) * segmentNu(b/math.Sqrt(lf))
				p += float64(step) * float64(m-l+1) * stats.NormalPDF(b) / b * term * term
			}
			// b = δ_z/2 + c/δ_z (one level) falls while δ_z < √(2c) and
			// rises after: stop on the rising branch.
			if bmin > 8 && gain[0]*inv > math.Sqrt(2*c) {
				break
			}
			l += step
		}
	}
	return p
}

// scanThreshold solves rate(c) = alpha for the decreasing false-call rate:
// the log rate is close to linear in c (the tail is ≈ e^(−c) times a slowly
// varying factor), so secant steps on log rate converge in a few
// evaluations; a bracket keeps every step safe, and the result is the
// upper end of a bracket narrower than 0.01, i.e. on the safe side.
func scanThreshold(alpha float64, rate func(float64) float64) float64 {
	la := math.Log(alpha)
	lo, hi := 0.0, 80.0
	c0, c1 := 8.0, 10.0
	f0, f1 := math.Log(rate(c0))-la, math.Log(rate(c1))-la
	for range 40 {
		for _, cf := range [][2]float64{{c0, f0}, {c1, f1}} {
			if cf[1] > 0 {
				lo = math.Max(lo, cf[0])
			} else {
				hi = math.Min(hi, cf[0])
			}
		}
		if hi-lo < 0.01 {
			break
		}
		c := (lo + hi) / 2
		if d := f1 - f0; d < 0 && !math.IsInf(f0, 0) && !math.IsInf(f1, 0) {
			if t := c1 - f1*(c1-c0)/d; t > lo && t < hi {
				c = t
			}
		}
		// Step just past the secant root so that the bracket closes.
		if c+0.005 < hi {
			c += 0.005
		}
		c0, f0 = c1, f1
		c1, f1 = c, math.Log(rate(c))-la
	}
	return hi
}

// segmentNu is Siegmund's overshoot correction ν(x) (see package segment).
func segmentNu(x float64) float64 {
	if x < 1e-8 {
		return 1
	}
	h := x / 2
	return (2 / x) * (stats.NormalCDF(h) - 0.5) / (h*stats.NormalCDF(h) + stats.NormalPDF(h))
}

// scanLengths lists the window lengths scanned: every length up to 50
// bins, then lengths about 2% apart. A fetal change of n bins is then
// matched by a window within 1% of its length, which keeps ≥ 99% of its
// z-score, at a fraction of the cost; the false-call approximation still
// sums over every length, so the threshold errs on the safe side.
func scanLengths(minBins, maxBins int) []int {
	var out []int
	for n := minBins; n <= maxBins; n += max(1, n/50) {
		out = append(out, n)
	}
	return out
}

// FetalScan returns the non-overlapping windows of at least in.MinBins
// usable bins (and under 90% of their chromosome) whose level is
// significantly more likely to be a fetal gain or loss at the sample's
// fetal fraction than no change, best first, as segments (Mean, SE and Z as
// in Segments). The genome-wide false-call probability is
// cfg.CNVScanFalseCalls (0 turns the scan off).
func FetalScan(in ScanInput, cfg Config) []Segment {
	// Without an estimate the levels come from the population distribution
	// of fetal fractions alone (the posterior without data); without that
	// either, there is no level to test.
	if (math.IsNaN(in.FF.Value) && !cfg.PopulationFF().Valid()) || in.MinBins < 2 || !(cfg.CNVScanFalseCalls > 0) {
		return nil
	}
	fs, w := scanLevels(in.FF, cfg.PopulationFF())
	if len(fs) == 0 {
		return nil
	}
	gain, loss := fetalLevels(fs)
	kappa := in.Kappa
	if kappa == nil {
		kappa = func(int) float64 { return 1 }
	}
	l := in.Layout
	var chroms []scanChrom
	for _, c := range in.Chroms {
		ch := scanChrom{chrom: c, sw: []float64{0}, sx: []float64{0}}
		for j := l.Offset[c]; j < l.Offset[c+1]; j++ {
			if sd := in.SD[j]; sd > 0 && !math.IsNaN(in.X[j]) {
				wt := 1 / (sd * sd)
				ch.idx = append(ch.idx, j)
				ch.sw = append(ch.sw, ch.sw[len(ch.sw)-1]+wt)
				ch.sx = append(ch.sx, ch.sx[len(ch.sx)-1]+wt*in.X[j])
			}
		}
		if float64(len(ch.idx))*wholeChrom >= float64(in.MinBins) {
			chroms = append(chroms, ch)
		}
	}
	if len(chroms) == 0 {
		return nil
	}
	c := scanThreshold(cfg.CNVScanFalseCalls, func(c float64) float64 {
		return scanFalseRate(c, chroms, in.MinBins, kappa, gain, loss, w)
	})
	// Any window below √(2c) in |z| cannot reach c (δ_z·z − δ_z²/2 ≤ z²/2).
	zmin := math.Sqrt(2 * c)
	type cand struct {
		ch, a, b int // chromosome position in chroms, window [a, b) of usable bins
		llr      float64
	}
	var cands []cand
	for ci, ch := range chroms {
		m := len(ch.idx)
		maxBins := int(wholeChrom * float64(m))
		lens := scanLengths(in.MinBins, maxBins)
		kap := make([]float64, len(lens))
		for k, n := range lens {
			kap[k] = kappa(n)
		}
		for a := 0; a+in.MinBins <= m; a++ {
			for k, n := range lens {
				if a+n > m {
					break
				}
				sw := ch.sw[a+n] - ch.sw[a]
				inv := math.Sqrt(sw) / kap[k]
				z := (ch.sx[a+n] - ch.sx[a]) / sw * inv
				if math.Abs(z) < zmin {
					continue
				}
				d := gain
				if z < 0 {
					d, z = loss, -z
				}
				if v := scanLLR(z, inv, d, w); v >= c {
					cands = append(cands, cand{ci, a, a + n, v})
				}
			}
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].llr != cands[j].llr {
			return cands[i].llr > cands[j].llr
		}
		if cands[i].ch != cands[j].ch {
			return cands[i].ch < cands[j].ch
		}
		return cands[i].a < cands[j].a
	})
	var out []Segment
	taken := make([][][2]int, len(chroms))
	for _, cd := range cands {
		overlap := false
		for _, t := range taken[cd.ch] {
			if cd.a < t[1] && t[0] < cd.b {
				overlap = true
				break
			}
		}
		if overlap {
			continue
		}
		taken[cd.ch] = append(taken[cd.ch], [2]int{cd.a, cd.b})
		ch := chroms[cd.ch]
		n := cd.b - cd.a
		sw := ch.sw[cd.b] - ch.sw[cd.a]
		sg := Segment{Chrom: ch.chrom, First: ch.idx[cd.a], End: ch.idx[cd.b-1] + 1, Bins: n}
		sg.Mean = (ch.sx[cd.b] - ch.sx[cd.a]) / sw
		sg.SE = kappa(n) / math.Sqrt(sw)
		sg.Z = sg.Mean / sg.SE
		_, sg.Start, _ = l.Locate(sg.First)
		_, _, sg.Stop = l.Locate(sg.End - 1)
		out = append(out, sg)
	}
	return out
}

// ShortTrack is a second measurement of every bin's fetal copy-number
// level: the residual share of short fragments (refset.ShortResiduals).
// Fetal fragments are shorter than maternal ones, so a fetal change that
// moves a region's fetal share moves its short share by Beta times as much.
type ShortTrack struct {
	// Y is the residual short share and V its variance per global bin
	// (NaN where the track has no value).
	Y, V []float64
	// Beta is the rise of the short share per unit of fetal share.
	Beta float64
	// Kappa is the track's noise inflation for n consecutive bins (nil: 1).
	Kappa func(n int) float64
}

// shortGain returns k(f): the expected short-share residual of a fetal
// change per unit of its log2 depth level, at fetal fraction f, per unit
// β — the mean over a gain and a loss (the two differ by O(f²)). A gain
// raises a region's fetal share from f to 1.5f/(1 + f/2), a loss lowers it
// to 0.5f/(1 − f/2); the depth levels are log2(1 ± f/2). As f → 0, k → ln 2.
func shortGain(f float64) float64 {
	if !(f > 0) {
		return math.Ln2
	}
	g := (1.5*f/(1+f/2) - f) / math.Log2(1+f/2)
	l := (0.5*f/(1-f/2) - f) / math.Log2(1-f/2)
	return (g + l) / 2
}

// CombineShort returns the scan input whose per-bin level is the
// inverse-variance combination of the log2 depth ratio X and the short
// track converted to the same scale (Y/k with k = β·shortGain(f) at the
// posterior-mean fetal fraction), so that the scan's fetal levels apply
// to both. For a window of bins with depth weight W_x and short weight
// W_y the combined mean has noise inflation
// √((κ_x²·W_x + κ_y²·W_y)/(W_x + W_y)); the returned Kappa uses the
// genome-wide weight ratio. Without an estimate of the fetal fraction, or
// with a track that carries no usable bins, in is returned unchanged.
// The track only sharpens the fetal scan: a maternal change moves the
// short share the other way (the fetal share falls under a maternal
// gain), and segmentation and origin calls keep the depth alone.
func CombineShort(in ScanInput, t ShortTrack, cfg Config) ScanInput {
	if math.IsNaN(in.FF.Value) || !(t.Beta > 0) || len(t.Y) != len(in.X) || len(t.V) != len(in.X) {
		return in
	}
	pf, pw := in.FF.gridWith(cfg.PopulationFF())
	var fv float64
	for i, f := range pf {
		fv += pw[i] * f
	}
	k := t.Beta * shortGain(fv)
	if !(k > 0) {
		return in
	}
	l := in.Layout
	x := append([]float64(nil), in.X...)
	sd := append([]float64(nil), in.SD...)
	var wx, wy float64
	for _, c := range in.Chroms {
		for j := l.Offset[c]; j < l.Offset[c+1]; j++ {
			s := in.SD[j]
			if !(s > 0) || math.IsNaN(in.X[j]) {
				continue
			}
			a := 1 / (s * s)
			wx += a
			if math.IsNaN(t.Y[j]) || !(t.V[j] > 0) {
				continue
			}
			b := k * k / t.V[j]
			wy += b
			x[j] = (a*in.X[j] + b*t.Y[j]/k) / (a + b)
			sd[j] = 1 / math.Sqrt(a+b)
		}
	}
	if wy == 0 || wx == 0 {
		return in
	}
	rho := wy / wx
	kx, ky := in.Kappa, t.Kappa
	if kx == nil {
		kx = func(int) float64 { return 1 }
	}
	if ky == nil {
		ky = func(int) float64 { return 1 }
	}
	out := in
	out.X, out.SD = x, sd
	out.Kappa = func(n int) float64 {
		a, b := kx(n), ky(n)
		return math.Sqrt((a*a + rho*b*b) / (1 + rho))
	}
	return out
}

// WindowLLR returns the fetal-CNV scan's log likelihood ratio for the
// usable bins of [first, end) on input in (a fetal change at the levels
// log2(1 ± f/2) of the fetal fraction's posterior against no change, in
// the window's direction), the statistic FetalScan maximises; NaN without
// usable bins or levels. It lets the analysis weigh two descriptions of
// one change — a scan window and a CBS segment nested with it — on the
// same fetal-level model and the same data.
func WindowLLR(in ScanInput, first, end int, cfg Config) float64 {
	if math.IsNaN(in.FF.Value) && !cfg.PopulationFF().Valid() {
		return math.NaN()
	}
	fs, w := scanLevels(in.FF, cfg.PopulationFF())
	if len(fs) == 0 {
		return math.NaN()
	}
	var sw, sx float64
	n := 0
	for j := first; j < end; j++ {
		if sd := in.SD[j]; sd > 0 && !math.IsNaN(in.X[j]) {
			wt := 1 / (sd * sd)
			sw += wt
			sx += wt * in.X[j]
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	k := 1.0
	if in.Kappa != nil {
		k = in.Kappa(n)
	}
	inv := math.Sqrt(sw) / k
	z := sx / sw * inv
	d, loss := fetalLevels(fs)
	if z < 0 {
		d = loss
	}
	return scanLLR(math.Abs(z), inv, d, w)
}
