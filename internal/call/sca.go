package call

import (
	"fmt"
	"math"

	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/stats"
)

// Karyotype is a fetal sex-chromosome complement.
type Karyotype struct {
	Name   string // "46,XX", "46,XY", "45,X", "47,XXX", "47,XXY", "47,XYY"
	NX, NY int
	Prior  float64
}

// Karyotypes lists the complements considered. Priors: the two euploid
// complements share half the prior mass and the four aneuploidies the
// other half, so the euploid-versus-aneuploid decision rests on the
// likelihoods alone (the lab's prevalence enters the PPV, not the call).
var Karyotypes = []Karyotype{
	{"46,XX", 2, 0, 0.25}, {"46,XY", 1, 1, 0.25},
	{"45,X", 1, 0, 0.125}, {"47,XXX", 3, 0, 0.125}, {"47,XXY", 2, 1, 0.125}, {"47,XYY", 1, 2, 0.125},
}

// SexInput is what the sex-chromosome model sees.
type SexInput struct {
	// X is the chrX log2 dosage relative to female-fetus pregnancies and
	// XSD its null SD; HasX is false when the reference has no chrX model.
	X, XSD float64
	HasX   bool
	// Y is the chrY dosage, YVar its Poisson variance; Background, BGSD and
	// Scale come from the reference's chrY model (f = Scale·(Y − Background)
	// per chrY copy); HasY is false without male-specific bins.
	Y, YVar, Background, BGSD, Scale float64
	HasY                             bool
}

// SexResult is the sex-chromosome assessment. Everything in it is
// sensitive (reveals fetal sex) except Call under report_presence.
type SexResult struct {
	Call      result.Call
	Type      string // SCA karyotype when Call is high risk
	Posterior []float64
	Best      Karyotype // most probable complement
	ZX, ZY    float64
	FetalSex  string // "female", "male" or "unknown"
	// Maternal flags a high-risk 45,X or 47,XXX whose chrX change is
	// clearly larger than the fetal one at the fetal fraction's upper 95%
	// bound (by more than 1.96 SD): maternal sex-chromosome mosaicism,
	// which rises with maternal age, is then the likelier cause.
	Maternal     bool
	NoCallReason string
}

// maternalZ: an X dosage more than 4 SD away from what any fetal
// complement can produce at any plausible fetal fraction points to the
// mother (sex-chromosome mosaicism, e.g. 45,X/46,XX, which rises with
// maternal age, or a maternal chrX CNV).
const maternalZ = 4

// CallSex computes the posterior of each fetal sex-chromosome complement
// given the X and Y dosages and the (sex-agnostic) fetal-fraction prior:
//
//	X: log2((1 − f) + f·nX/2)   relative to a 46,XX pregnancy (mother XX)
//	Y: Background + f·nY/Scale   (chrY model of the reference)
//
// integrated over f, and calls it in two steps (docs/method.md §7):
//
//  1. Callable or not, decided before the data are looked at and from
//     sex-blind quantities only: the result is callable when a one-copy
//     change of chrX, measured with this sample's chrX SD (which depends on
//     its autosomal depth and noise only), would reach the high-risk
//     posterior with probability ≥ cfg.SCADetection given the sex-agnostic
//     fetal fraction and its uncertainty (SCADetectionProb). Otherwise no
//     call.
//     A rule that looked at the posterior itself ("ambiguous: no call")
//     would no-call one sex more often than the other — the alternatives
//     of a 46,XX fetus (45,X and 47,XXX at ±f/2) are not those of a 46,XY
//     one (47,XXY, whose chrY pins the fetal fraction) — and under a
//     sex-blind policy the no-call itself would hint at the sex.
//  2. A callable sample is high risk, with the most probable SCA type, when
//     the posterior of an aneuploidy reaches cfg.SCAPosterior, and low risk
//     otherwise — except when its X dosage lies more than 4 SD from every
//     complement at every plausible fetal fraction (a maternal cause: no
//     call). For a euploid fetus that happens with probability below
//     Φ(−4) = 3e-5 whatever its sex.
func CallSex(in SexInput, ff FFPrior, cfg Config) SexResult {
	res := SexResult{FetalSex: "unknown"}
	ysd := math.Sqrt(in.YVar + in.BGSD*in.BGSD)
	if in.HasX {
		res.ZX = in.X / in.XSD
	}
	if in.HasY && ysd > 0 {
		res.ZY = (in.Y - in.Background) / ysd
	}
	if !in.HasX || !in.HasY {
		res.Call = result.NoCall
		res.NoCallReason = "the reference has no sex-chromosome model (too few reference samples of one fetal sex)"
		if in.HasY && ysd > 0 {
			switch {
			case res.ZY > 4:
				res.FetalSex = "male"
			case res.ZY < 2:
				res.FetalSex = "female"
			}
		}
		return res
	}
	fs, ws := ff.grid()
	if !ff.known() && cfg.FFUnknown == FFUnknownPopulation {
		fs, ws = ff.gridWith(cfg.PopulationFF())
	}
	logp := make([]float64, len(Karyotypes))
	bestFit := math.Inf(1)
	for k, kt := range Karyotypes {
		terms := make([]float64, len(fs))
		for i, f := range fs {
			ex := math.Log2((1 - f) + f*float64(kt.NX)/2)
			ey := in.Background + f*float64(kt.NY)/in.Scale
			terms[i] = math.Log(ws[i]) + logNormal(in.X, ex, in.XSD) + logNormal(in.Y, ey, ysd)
			if zx := math.Abs(in.X-ex) / in.XSD; ws[i] > 1e-6 && zx < bestFit {
				bestFit = zx
			}
		}
		logp[k] = math.Log(kt.Prior) + logSumExp(terms)
	}
	norm := logSumExp(logp)
	res.Posterior = make([]float64, len(Karyotypes))
	var pEu, pY float64
	best := 0
	for k := range Karyotypes {
		res.Posterior[k] = math.Exp(logp[k] - norm)
		if k < 2 {
			pEu += res.Posterior[k]
		}
		if Karyotypes[k].NY > 0 {
			pY += res.Posterior[k]
		}
		if res.Posterior[k] > res.Posterior[best] {
			best = k
		}
	}
	res.Best = Karyotypes[best]
	switch {
	case pY >= cfg.SCAPosterior:
		res.FetalSex = "male"
	case 1-pY >= cfg.SCAPosterior:
		res.FetalSex = "female"
	}
	if ok, reason := SCACallable(ff, in.XSD, cfg); !ok {
		res.Call, res.NoCallReason = result.NoCall, reason
		return res
	}
	switch {
	case math.IsNaN(norm) || math.IsInf(norm, 0) || bestFit > maternalZ:
		res.Call = result.NoCall
		res.NoCallReason = "sex-chromosome dosage outside the range any fetal complement gives at this fetal fraction: possible maternal sex-chromosome mosaicism or CNV; consider maternal karyotyping"
	case 1-pEu >= cfg.SCAPosterior:
		res.Call = result.HighRisk
		bs := 2
		for k := 2; k < len(Karyotypes); k++ {
			if res.Posterior[k] > res.Posterior[bs] {
				bs = k
			}
		}
		res.Type = Karyotypes[bs].Name
		res.Maternal = maternalX(in, ff, Karyotypes[bs])
	default:
		res.Call = result.LowRisk
	}
	return res
}

// maternalX reports whether the chrX dosage of a sample called kt (45,X or
// 47,XXX; complements with a chrY are fetal) lies beyond what kt gives at
// the upper 95% bound of the fetal-fraction estimate by more than 1.96 SD.
func maternalX(in SexInput, ff FFPrior, kt Karyotype) bool {
	if kt.NY > 0 || kt.NX == 2 || !ff.known() {
		return false
	}
	hi := math.Min(ff.High(), MaxFF)
	ex := math.Log2((1 - hi) + hi*float64(kt.NX)/2)
	z := stats.NormalQuantile(0.975)
	if kt.NX < 2 {
		return in.X < ex-z*in.XSD
	}
	return in.X > ex+z*in.XSD
}

// SCACallable reports whether a sample's sex-chromosome result can be
// called — a sex-agnostic fetal-fraction estimate of at least cfg.MinFF
// (the trisomies' floor, for the same reasons) and SCADetectionProb at
// least cfg.SCADetection; without an estimate, the detection probability
// over the population's fetal fractions when cfg.FFUnknown is
// FFUnknownPopulation, else never — and, if not, why. It uses no sex-chromosome
// data: only the sex-agnostic fetal-fraction estimate ff and the chrX SD
// xsd, which depends on the sample's autosomal depth and noise. The floor
// matters because the detection probability is averaged over the
// posterior, which the population distribution pulls above a low
// estimate: without it an SCA at a true 2% whose estimate reads 5% would
// be callable and mostly missed.
func SCACallable(ff FFPrior, xsd float64, cfg Config) (bool, string) {
	known := ff.known()
	if !known && cfg.FFUnknown != FFUnknownPopulation {
		why := "sex chromosomes not callable: the fetal fraction could not be estimated"
		if ff.Why != "" {
			why += ": " + ff.Why
		}
		return false, why
	}
	if !known {
		if p := SCADetectionProb(ff, xsd, cfg); !(p >= cfg.SCADetection) {
			return false, fmt.Sprintf("sex chromosomes not callable: the fetal fraction could not be estimated, and over the population's fetal fractions a one-copy sex-chromosome change would be detected with probability %.0f%% (< %.0f%%) at this depth",
				100*p, 100*cfg.SCADetection)
		}
		return true, ""
	}
	if ff.Value < cfg.MinFF {
		return false, fmt.Sprintf("sex chromosomes not callable: the sex-blind fetal-fraction estimate %.1f%% is below min_ff %.1f%%", 100*ff.Value, 100*cfg.MinFF)
	}
	if p := SCADetectionProb(ff, xsd, cfg); !(p >= cfg.SCADetection) {
		return false, fmt.Sprintf("sex chromosomes not callable: a one-copy sex-chromosome change would be detected with probability %.0f%% (< %.0f%%) at this fetal fraction (%.1f%%, 95%% interval from %.1f%%) and depth",
			100*p, 100*cfg.SCADetection, 100*ff.Value, 100*ff.Low())
	}
	return true, ""
}

// SCADetectionProb is the probability that a one-copy change of chrX in
// this sample would be called high risk: SCAPower averaged over the
// posterior of the fetal fraction given its sex-agnostic estimate ff and
// the population distribution of cfg (Config.PopulationFF; the same
// quadrature as the calls), i.e. given what is known of the fetal fraction
// — the counterpart of a trisomy's p_detect. Both inputs are sex-blind, so
// the result is the same for a male and a female fetus.
func SCADetectionProb(ff FFPrior, xsd float64, cfg Config) float64 {
	pop := cfg.PopulationFF()
	if math.IsNaN(ff.Value) && pop == (PopulationFF{}) {
		return 0 // nothing is known of the fetal fraction
	}
	fs, ws := ff.gridWith(pop)
	var p float64
	for i, f := range fs {
		p += ws[i] * SCAPower(f, xsd, cfg)
	}
	return p
}

// SCAPower is the probability that a one-copy change of chrX at fetal
// fraction f (dosage shift δ = log2(1 + f/2), the smaller of a gain and a
// loss), measured with SD sd, reaches the high-risk posterior
// cfg.SCAPosterior against its euploid neighbour (46,XX against 45,X or
// 47,XXX; 46,XY against 47,XXY) at a known fetal fraction. With prior odds
// π of the aneuploid against the euploid complement (Karyotypes: 1/2) the
// call needs a likelihood ratio k = (p/(1 − p))/π, i.e. an observed dosage
// above δ/2 + σ²·ln k/δ, reached with probability Φ(u/2 − ln k/u),
// u = δ/σ. The default 0.95 at p = 0.99 needs u ≥ 5.3; a euploid fetus is
// then called high risk with probability Φ(−(u/2 + ln k/u)) ≤ 0.03%.
func SCAPower(f, sd float64, cfg Config) float64 {
	d := math.Log2(1 + f/2)
	if !(d > 0) || !(sd > 0) {
		return 0
	}
	u := d / sd
	p := cfg.SCAPosterior
	k := p / (1 - p) * Karyotypes[0].Prior / Karyotypes[2].Prior
	return stats.NormalCDF(u/2 - math.Log(k)/u)
}
