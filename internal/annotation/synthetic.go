package annotation

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/nipt/nipt/internal/genome"
)

// Calibration of the synthetic GC landscape, measured on the real hg38 10 kb
// GC table (ichorCNA gc_hg38_10kb.wig, 291,768 bins with a value; how it was
// measured is in docs/format-annotation.md).
//
// Within a chromosome, GC is a skewed, long-range-correlated process:
//
//	GC_i = mean_c + sd_c · (exp(τ·Z_i) − e^{τ²/2}) / √((e^{τ²}−1)·e^{τ²})
//
// a standardised log-normal transform of a unit-variance Gaussian process Z.
// τ = 0.325 reproduces the pooled skewness (1.04) of the GC values
// standardised per chromosome. Z is the sum of three stationary AR(1)
// (discretised Ornstein–Uhlenbeck) components and white noise. The weights
// and correlation lengths are a least-squares fit (RMS misfit 0.0045) of the
// model's expected sample autocorrelation around each chromosome's own mean,
// (ρ(k) − V_c)/(1 − V_c) with ρ(k) = Σ a_j·e^{−k/L_j} and V_c the variance of
// the mean of chromosome c, to the real one at 35 log-spaced lags of 1 to
// 2,715 bins, after mapping each GC-scale correlation r to the latent scale,
// ln(1 + r(e^{τ²}−1))/τ². The 16 Mb component is the isochore scale, 1.9 Mb
// the scale of GC-rich/GC-poor bands, 50 kb that of genes and repeats.
const (
	gcTau     = 0.325
	gcA1      = 0.2013 // weight of the 50 kb component
	gcL1      = 50_500.0
	gcA2      = 0.3725 // weight of the 1.9 Mb component
	gcL2      = 1_902_400.0
	gcA3      = 0.2567 // weight of the 16 Mb component
	gcL3      = 16_295_000.0
	gcNugget  = 1 - gcA1 - gcA2 - gcA3 // 0.170: bin-to-bin noise at 10 kb
	gcBaseRes = 10_000                 // bin size the calibration refers to
)

// gcChromMean and gcChromSD are the mean and standard deviation of the GC
// fraction of the 10 kb bins of each chromosome of the real hg38 table (chr1
// … chr22, chrX, chrY). They carry the chromosome-level differences that
// matter for NIPT: chr19, 22, 17, 16 GC-rich; chr4, 13, 18, X GC-poor. The
// same values are used for every build (the sequence is the same genome).
var (
	gcChromMean = [genome.NumChroms]float64{
		0.4172, 0.4023, 0.3967, 0.3824, 0.3951, 0.3961, 0.4070, 0.4015, 0.4128, 0.4155, 0.4154, 0.4077,
		0.3855, 0.4089, 0.4204, 0.4459, 0.4533, 0.3977, 0.4836, 0.4385, 0.4104, 0.4753, 0.3952, 0.3914,
	}
	gcChromSD = [genome.NumChroms]float64{
		0.0583, 0.0510, 0.0482, 0.0453, 0.0483, 0.0462, 0.0571, 0.0514, 0.0593, 0.0528, 0.0611, 0.0540,
		0.0456, 0.0569, 0.0510, 0.0628, 0.0632, 0.0446, 0.0630, 0.0566, 0.0644, 0.0632, 0.0431, 0.0381,
	}
)

// Mappability model, measured on the real hg38 10 kb mappability table. A bin
// is either in a repeat ("low") state, mappability 0.5·U^1.5 (34 % of low
// bins below 0.1, as in the table), or in the unique state, mappability
// 1 − min(0.5, exp(N(−4.42, 1.72²))) (median 0.988, 11 % below 0.9, as the
// table's bins ≥ 0.5). Low runs last 2.3 bins (23 kb) on average away from
// gaps. The probability of the low state falls with the distance d to the
// nearest large gap or centromere: 0.019 + 0.5·exp(−d/1 Mb) (table: 52 % low
// within 100 kb, 26 % at 0.5–1 Mb, 8 % at 2–3 Mb, 1.9 % beyond 5 Mb), and is
// 0.7 inside sequenced centromeric satellite (table: 71 % of bins in the
// hg38 centromere models).
const (
	mapLowBase      = 0.019
	mapLowNearGap   = 0.5
	mapLowScale     = 1e6
	mapLowSatellite = 0.7
	mapLowRun       = 2.3 // mean length of a low run, in 10 kb bins
	mapUniqueMu     = -4.42
	mapUniqueSigma  = 1.72
	// blacklistFlank marks bins within this distance of a large gap or
	// satellite edge, mimicking the ENCODE blacklist's pericentromeric and
	// subtelomeric high-signal regions (Amemiya, Kundaje & Boyle 2019).
	blacklistFlank = 100_000
)

// Synthetic returns the built-in procedural annotation of build b at the
// given bin size: real chromosome lengths, assembly gaps, centromeres,
// pseudoautosomal regions, and GC and mappability landscapes with the
// statistics of the real genome (see the constants above and
// docs/format-annotation.md). The same build, bin size and seed give the same
// annotation. Bin sizes that are multiples of 10 kb are generated at 10 kb
// and merged with Coarsen, so the landscape at 50 kb is the one at 10 kb
// averaged; other bin sizes are generated directly (the bin-to-bin noise is
// scaled by 10 kb/bin size, an approximation).
func Synthetic(b *genome.Build, binSize int, seed uint64) (*Annotation, error) {
	l, err := genome.NewLayout(b, binSize)
	if err != nil {
		return nil, err
	}
	base := l
	if binSize%gcBaseRes == 0 && binSize > gcBaseRes {
		if base, err = genome.NewLayout(b, gcBaseRes); err != nil {
			return nil, err
		}
	}
	a := New(base)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for c := genome.NumChroms - 1; c >= 0; c-- { // longest chromosomes last: they start early enough either way
		wg.Add(1)
		sem <- struct{}{}
		go func(c int) {
			defer wg.Done()
			synthChrom(a, c, seed)
			<-sem
		}(c)
	}
	wg.Wait()
	src := fmt.Sprintf("synthetic (seed %d)", seed)
	a.Source = Source{GC: src, Map: src, Blacklist: src, N: src}
	if base != l {
		return a.Coarsen(l, binSize/gcBaseRes)
	}
	return a, nil
}

// Independent random streams per chromosome and track, so that chromosomes
// can be generated in parallel and one track's draws never shift another's.
const (
	streamLandmarks = iota
	streamGC
	streamMap
	numStreams
)

func rngFor(seed uint64, c, stream int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(c*numStreams+stream)))
}

// synthChrom fills the bins of chromosome c of a.
func synthChrom(a *Annotation, c int, seed uint64) {
	l := a.Layout
	b, r, L := l.Build, l.BinSize, l.Build.Lengths[c]
	off, n := l.Offset[c], l.ChromBins(c)
	lm := placeLandmarks(b, c, rngFor(seed, c, streamLandmarks))
	nfrac := coverage(append(append([]span(nil), lm.gaps...), lm.yPAR...), n, r, L)
	sat := coverage(lm.satellite, n, r, L)
	dist := distanceTo(coverage(lm.large, n, r, L), r)

	gcSynth(a.GC[off:off+n], c, r, rngFor(seed, c, streamGC))
	mapSynth(a.Map[off:off+n], r, rngFor(seed, c, streamMap), sat, dist, lm.pLow)
	matchMoments(a.GC[off:off+n], nfrac, gcChromMean[c], gcChromSD[c])
	for i := 0; i < n; i++ {
		a.N[off+i] = nfrac[i]
		a.Map[off+i] *= 1 - nfrac[i]
		if nfrac[i] >= 1 {
			a.GC[off+i] = math.NaN()
			a.Map[off+i] = 0
			continue
		}
		a.Blacklist[off+i] = sat[i] > 0 || dist[i] <= blacklistFlank
	}
}

// gcSynth writes the GC fraction of n consecutive bins of size r of
// chromosome c into gc.
func gcSynth(gc []float64, c, r int, rng *rand.Rand) {
	w := math.Exp(gcTau * gcTau)
	mean0, sd0 := math.Sqrt(w), math.Sqrt((w-1)*w)
	comps := [3]struct{ a, L float64 }{{gcA1, gcL1}, {gcA2, gcL2}, {gcA3, gcL3}}
	var rho, innov, state [3]float64
	for j, cp := range comps {
		rho[j] = math.Exp(-float64(r) / cp.L)
		innov[j] = math.Sqrt(cp.a * (1 - rho[j]*rho[j]))
		state[j] = math.Sqrt(cp.a) * rng.NormFloat64() // stationary start
	}
	nug := math.Sqrt(gcNugget * gcBaseRes / float64(r))
	m, s := gcChromMean[c], gcChromSD[c]
	for i := range gc {
		z := nug * rng.NormFloat64()
		for j := range state {
			state[j] = rho[j]*state[j] + innov[j]*rng.NormFloat64()
			z += state[j]
		}
		v := m + s*(math.Exp(gcTau*z)-mean0)/sd0
		gc[i] = min(max(v, 0), 1)
	}
}

// matchMoments shifts and scales the GC values of the bins with called bases
// (nfrac < 1) so that their mean and standard deviation are exactly m and s.
// The real per-chromosome statistics are properties of the genome, not
// draws: without this, the isochore component (16 Mb correlation length)
// would move a 40 Mb chromosome's mean GC by about ±0.02 from seed to seed,
// as much as the difference between chr21 and chr4.
func matchMoments(gc, nfrac []float64, m, s float64) {
	var sum, sq, k float64
	for i, v := range gc {
		if nfrac[i] < 1 {
			sum += v
			sq += v * v
			k++
		}
	}
	if k < 2 {
		return
	}
	mu := sum / k
	sd := math.Sqrt(max(sq/k-mu*mu, 0))
	if sd == 0 {
		return
	}
	for i, v := range gc {
		gc[i] = min(max(m+(v-mu)*s/sd, 0), 1)
	}
}

// mapSynth writes the mappability of the bins of one chromosome (before the
// N masking) into mp, from the two-state repeat model.
func mapSynth(mp []float64, r int, rng *rand.Rand, sat, dist []float64, pLow []yRegion) {
	exit := 1 - math.Pow(1-1/mapLowRun, float64(r)/gcBaseRes)
	low := false
	for i := range mp {
		p := mapLowBase + mapLowNearGap*math.Exp(-dist[i]/mapLowScale)
		if sat[i] > 0.5 {
			p = mapLowSatellite
		}
		mid := (float64(i) + 0.5) * float64(r)
		for _, y := range pLow {
			if mid >= float64(y.s.lo) && mid < float64(y.s.hi) {
				p = max(p, y.pLow)
			}
		}
		if i == 0 {
			low = rng.Float64() < p
		} else if low {
			low = rng.Float64() >= exit
		} else {
			low = rng.Float64() < min(1, p*exit/(1-p))
		}
		if low {
			mp[i] = 0.5 * math.Pow(rng.Float64(), 1.5)
		} else {
			mp[i] = 1 - min(0.5, math.Exp(mapUniqueMu+mapUniqueSigma*rng.NormFloat64()))
		}
	}
}

// coverage returns, for each of n bins of size r on a chromosome of length
// L, the fraction of the bin's bases covered by the union of spans.
func coverage(spans []span, n, r, L int) []float64 {
	sortSpans(spans)
	cov := make([]float64, n)
	end := 0 // bases before end are already counted
	for _, s := range spans {
		lo, hi := max(s.lo, end, 0), min(s.hi, L)
		if hi <= lo {
			continue
		}
		end = hi
		for b := lo / r; b*r < hi && b < n; b++ {
			bs, be := b*r, min((b+1)*r, L)
			cov[b] += float64(min(be, hi)-max(bs, lo)) / float64(be-bs)
		}
	}
	for i := range cov {
		cov[i] = min(cov[i], 1)
	}
	return cov
}

// distanceTo returns for each bin the distance in bases to the nearest bin
// with cov > 0 (0 for such bins; +Inf when there is none).
func distanceTo(cov []float64, r int) []float64 {
	d := make([]float64, len(cov))
	last := math.Inf(-1)
	for i := range cov {
		if cov[i] > 0 {
			last = float64(i)
		}
		d[i] = (float64(i) - last) * float64(r)
	}
	last = math.Inf(1)
	for i := len(cov) - 1; i >= 0; i-- {
		if cov[i] > 0 {
			last = float64(i)
		}
		d[i] = min(d[i], (last-float64(i))*float64(r))
	}
	return d
}
