package analyze

import (
	"math"
	"sort"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/stats"
)

// Offset is a batch correction of one chromosome dosage: Value (log2) is
// subtracted from the sample's dosage and SE, the standard error of the
// estimate, is added to its null SD in quadrature.
type Offset struct {
	Value, SE float64
}

// Offsets holds a sample's batch corrections by autosome and method.
type Offsets [genome.ChrX]map[string]Offset

// The values of BatchOffset.Correction.
const (
	CorrectionOff      = "off"                // batch_offsets = "warn"
	CorrectionApplied  = "applied"            // the offset was removed
	CorrectionTooFew   = "too_few_samples"    // fewer than batch_correct_min_samples usable dosages
	CorrectionHighRisk = "too_many_high_risk" // more than batch_max_high_risk of the batch high risk
)

// batchInput is what the batch correction needs of one sample's first,
// uncorrected analysis.
type batchInput struct {
	qcFail bool
	// dosages of every method by autosome, before any correction.
	dosages [genome.ChrX]map[string]call.Dosage
	// threshold: the z at or above which the autosome's trisomy is high
	// risk (NaN: no finding); cnv: a CNV call on the autosome.
	threshold [genome.ChrX]float64
	cnv       [genome.ChrX]bool
}

// newBatchInput collects the batch correction's input from a sample's
// full, uncorrected result and its dosages.
func newBatchInput(r *result.Result, ds [genome.ChrX]map[string]call.Dosage) *batchInput {
	b := &batchInput{qcFail: r.QC.Status == result.QCFail, dosages: ds}
	for c := range b.threshold {
		b.threshold[c] = math.NaN()
	}
	for _, c := range r.CNVs {
		if i, ok := genome.ChromIndex(c.Chrom); ok && i < genome.ChrX {
			b.cnv[i] = true
		}
	}
	for _, f := range r.Aneuploidies {
		if c, ok := genome.ChromIndex(f.Chrom); ok && c < genome.ChrX {
			b.threshold[c] = f.ZThreshold
		}
	}
	return b
}

// chromCorrection is the batch's correction of one autosome.
type chromCorrection struct {
	status string
	// offsetZ is the primary method's offset in units of the batch's
	// median null SD of that method, seZ its standard error likewise
	// (NaN unless applied).
	offsetZ, seZ float64
}

// offsetRounds: the estimate and the set of high-risk samples it leaves
// out are refined together this many times (an offset can itself push
// euploid samples over the threshold).
const offsetRounds = 4

// batchOffsets estimates, for every autosome and method, the offset the
// batch shares — Huber's M-estimate of the location of the dosages, each
// standardised by its own null SD — and returns every sample's
// corrections: the estimate without that sample's own dosage (to first
// order, from its influence), so that no sample is its own control.
//
// The estimate assumes that the samples it uses are euploid for the
// chromosome. It leaves out QC failures, samples with a CNV call on the
// chromosome and samples high risk for it — judged on the corrected
// z-score, so that a euploid sample the offset itself pushed over the
// threshold comes back in. A chromosome is corrected only when at least
// cfg.BatchCorrectMinSamples samples remain and at most
// cfg.BatchMaxHighRisk of the QC-passing samples stay high risk after
// the correction: a batch rich in trisomies (a validation set) holds
// also the trisomies too weak to call, which would read as an offset.
func batchOffsets(in []*batchInput, primary [genome.ChrX]string, cfg call.Config) ([]Offsets, [genome.ChrX]chromCorrection) {
	out := make([]Offsets, len(in))
	var corr [genome.ChrX]chromCorrection
	for c := range genome.ChrX {
		corr[c] = chromCorrection{status: CorrectionTooFew, offsetZ: math.NaN(), seZ: math.NaN()}
		pm := primary[c]
		// The primary method's estimate and the high-risk set, together.
		var loc, se float64
		var use []bool
		high, passed := 0, 0
		ok := false
		for range offsetRounds {
			use = make([]bool, len(in))
			var v, sd []float64
			high, passed = 0, 0
			for i, b := range in {
				d, has := b.dosages[c][pm]
				if b.qcFail || !has || !(d.SD > 0) || math.IsNaN(d.Value) || math.IsInf(d.Value, 0) {
					continue
				}
				passed++
				if z := (d.Value - loc) / math.Hypot(d.SD, se); z >= b.threshold[c] {
					high++
					continue
				}
				if !b.cnv[c] {
					use[i] = true
					v, sd = append(v, d.Value), append(sd, d.SD)
				}
			}
			if len(v) < cfg.BatchCorrectMinSamples {
				ok = false
				break
			}
			l, e, _ := huberLocation(v, sd)
			if math.IsInf(e, 0) || math.IsNaN(e) {
				ok = false
				break
			}
			loc, se, ok = l, e, true
		}
		if !ok {
			continue
		}
		if float64(high) > cfg.BatchMaxHighRisk*float64(passed) {
			corr[c].status = CorrectionHighRisk
			continue
		}
		methods := map[string]bool{}
		for _, b := range in {
			for m := range b.dosages[c] {
				methods[m] = true
			}
		}
		names := make([]string, 0, len(methods))
		for m := range methods {
			names = append(names, m)
		}
		sort.Strings(names)
		for _, m := range names {
			var v, sd []float64
			var idx []int
			for i, b := range in {
				d, has := b.dosages[c][m]
				if use[i] && has && d.SD > 0 && !math.IsNaN(d.Value) && !math.IsInf(d.Value, 0) {
					v, sd, idx = append(v, d.Value), append(sd, d.SD), append(idx, i)
				}
			}
			if len(v) < cfg.BatchCorrectMinSamples {
				continue
			}
			loc, se, infl := huberLocation(v, sd)
			if math.IsInf(se, 0) || math.IsNaN(se) {
				continue
			}
			for i := range out {
				if out[i][c] == nil {
					out[i][c] = map[string]Offset{}
				}
				out[i][c][m] = Offset{Value: loc, SE: se}
			}
			for k, i := range idx {
				out[i][c][m] = Offset{Value: loc - infl[k], SE: se}
			}
			if m == pm {
				s := stats.Median(sd)
				corr[c] = chromCorrection{status: CorrectionApplied, offsetZ: loc / s, seZ: se / s}
			}
		}
	}
	return out, corr
}

// huberK is Huber's tuning constant: 95% efficiency at the normal.
const huberK = 1.345

// huberLocation is Huber's M-estimate of the common location μ of values
// v_i with known SDs sd_i: the root of Σ ψ((v_i − μ)/sd_i)/sd_i, found by
// iteratively reweighted means from the weighted median. se is its
// sandwich standard error, which measures the spread the values show
// rather than assuming sd_i (within a run the dosages scatter less than
// the reference's nulls, which hold the run-to-run part too); infl[i] is
// the change of the estimate when v_i is removed, to first order.
func huberLocation(v, sd []float64) (mu, se float64, infl []float64) {
	n := len(v)
	// Start from the median of the values (in their own units the values
	// differ by depth only modestly).
	mu = stats.Median(v)
	for range 100 {
		var num, den float64
		for i := range v {
			w := 1 / (sd[i] * sd[i])
			if r := math.Abs(v[i]-mu) / sd[i]; r > huberK {
				w *= huberK / r
			}
			num += w * v[i]
			den += w
		}
		next := num / den
		if math.Abs(next-mu) <= 1e-12*math.Max(1, math.Abs(mu)) {
			mu = next
			break
		}
		mu = next
	}
	// ψ(r) = clamp(r, ±k), ψ'(r) = 1 inside.
	var a, b float64
	psi := make([]float64, n)
	core := make([]bool, n)
	for i := range v {
		r := (v[i] - mu) / sd[i]
		psi[i] = math.Max(-huberK, math.Min(huberK, r))
		if core[i] = math.Abs(r) <= huberK; core[i] {
			a += 1 / (sd[i] * sd[i])
		}
		b += psi[i] * psi[i] / (sd[i] * sd[i])
	}
	infl = make([]float64, n)
	if a == 0 {
		// Every value is an outlier: no core to estimate from.
		return mu, math.Inf(1), infl
	}
	se = math.Sqrt(b*float64(n)/float64(n-1)) / a
	for i := range v {
		// Removing v_i: Σ_{j≠i} ψ_j/sd_j = −ψ_i/sd_i, so μ moves by
		// −(ψ_i/sd_i)/Σ_{j≠i} ψ'_j/sd_j².
		ai := a
		if core[i] {
			ai -= 1 / (sd[i] * sd[i])
		}
		if ai > 0 {
			infl[i] = psi[i] / sd[i] / ai
		}
	}
	return mu, se, infl
}
