package analyze

import (
	"math"
	"strings"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/fetalfraction"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/refset"
	"github.com/nipt/nipt/internal/result"
)

// FF method names (result.FFEstimate.Method). chrY and chrX are sensitive:
// they exist only for male fetuses.
const (
	FFChrY      = "chrY"
	FFChrX      = "chrX"
	FFProfile   = "bin_profile"
	FFFragments = "fragment_size"
)

// autosomalFF returns the sex-agnostic measurements (bin profile,
// fragment size) of sample s, each with its reference calibration
// (fetalfraction.Measurement: raw prediction, f̂ = a + b·f + ε).
func autosomalFF(ref *refset.Reference, s *refset.Sample) []fetalfraction.Measurement {
	var out []fetalfraction.Measurement
	if m := ref.FF.Profile; m != nil {
		x := s.Raw
		if m.Source == "pca" {
			x = s.Res
		}
		chrom := make([]int, len(ref.Auto))
		for a, j := range ref.Auto {
			chrom[a], _, _ = ref.Layout.Locate(int(j))
		}
		ft := refset.ProfileFeatures(x, chrom, ref.PCA.Weight, m.Window)
		if len(ft) == len(m.Ridge.Beta) {
			// A fallback: its leave-one-out calibration was not confirmed
			// on new samples (de-biased slope 0.75 on the validation test
			// samples with 119 male references, where the combined
			// interval then covered 84% at FF ≥ 12%; 0.79 on references
			// held out of the reference; within about 2 SE of the promise,
			// no cause found; docs/validation.md), where the fragment-size
			// model's was (1.03, 97.5%); and next to it the bin profile
			// adds no precision on the 80-reference cohorts (female r
			// 0.883 with it, 0.886 without; 0.875 and 0.892). It is
			// combined only without a fragment-size measurement
			// (single-end data).
			out = append(out, fetalfraction.Measurement{Method: FFProfile, Raw: m.Ridge.Predict(ft), Cal: m.Ridge.Cal, Fallback: true})
		}
	}
	p := s.Profile
	var prof []float64
	var sexBias float64
	if ref.FF.Size != nil {
		prof, sexBias = ref.FF.Size.Profile(p)
	}
	switch m := ref.FF.Size; {
	case m != nil && p.Paired && !math.IsNaN(m.Predict(p.ShortFraction, prof)):
		// The autosomal size profile does not depend on the fetal sex.
		// The all-chromosome one (older counts files or references)
		// covers chrX and chrY, whose fetal share depends on it: a bias
		// of up to SexBias·f, added to the SD so that neither sex is
		// overconfident. An atypical profile (high leverage) widens the
		// residual SD as its prediction variance grows.
		out = append(out, fetalfraction.Measurement{Method: FFFragments, Raw: m.Predict(p.ShortFraction, prof), Cal: m.Ridge.Cal,
			Factor: m.SEFactor(p.ShortFraction, prof), RelSD: sexBias})
	case ref.FF.Fragment != nil && p.Paired && !math.IsNaN(p.ShortFraction):
		out = append(out, fetalfraction.Measurement{Method: FFFragments, Raw: ref.FF.Fragment.Predict(p.ShortFraction), Cal: ref.FF.Fragment.Cal})
	}
	return out
}

// combine merges the measurements' likelihoods (fetalfraction.
// CombineMeasurements): the bin-profile and fragment-size errors are
// correlated with the reference's calibrated cross-validated correlation,
// the sex-chromosome measurements are independent of them.
func combine(ref *refset.Reference, ms []fetalfraction.Measurement) (fetalfraction.Estimate, bool) {
	return fetalfraction.CombineMeasurements(ms, func(i, j int) float64 {
		a, b := ms[i].Method, ms[j].Method
		if a == FFProfile && b == FFFragments || a == FFFragments && b == FFProfile {
			return ref.FF.Corr
		}
		return 0
	})
}

// sexFF returns the chrY measurement (and, for a 46,XY complement, the
// chrX one) of a sample whose most probable complement has nY ≥ 1 chrY.
// Both are direct measurements (identity calibration).
func sexFF(ref *refset.Reference, s *refset.Sample, cs []refset.ChromStat, sex call.SexResult, xsd float64) []fetalfraction.Measurement {
	var out []fetalfraction.Measurement
	if sex.Best.NY < 1 || len(ref.YBins) == 0 {
		return nil
	}
	m := ref.FF.Y.Measure(s.YDosage, s.YVar, sex.Best.NY)
	if !math.IsNaN(m.Raw) && m.Cal.Valid() {
		m.Method = FFChrY
		out = append(out, m)
	}
	if sex.Best.Name == "46,XY" {
		if v, ok := cs[genome.ChrX].Value[refset.MethodPCA]; ok {
			r := math.Exp2(v)
			if se := 2 * math.Ln2 * r * xsd; se > 0 {
				out = append(out, fetalfraction.Measurement{Method: FFChrX, Raw: 2 * (1 - r), Cal: fetalfraction.Identity(se)})
			}
		}
	}
	return out
}

// ffResult builds the result's fetal-fraction section from all
// measurements and their combination est (ok false: none usable). Every
// value is de-biased ((f̂ − a)/b) and every interval is the 95% confidence
// interval of the calibrated measurement model (fetalfraction.Invert), so
// its coverage holds at every true fraction, low ones included. Methods
// whose calibration is not valid cannot be de-biased and are not listed;
// Used marks the ones combined.
func ffResult(all []fetalfraction.Measurement, est fetalfraction.Estimate, ok bool) result.FetalFraction {
	out := result.FetalFraction{Methods: []result.FFEstimate{}, Unknown: !ok}
	if ok {
		lo, hi := est.Interval()
		out.Value, out.Low, out.High = clampFF(est.Value), lo, hi
	}
	for i, m := range all {
		if !m.Cal.Valid() || math.IsNaN(m.Raw) {
			continue
		}
		lo, hi := m.Interval()
		used := ok && i < len(est.Weights) && est.Weights[i] != 0
		out.Methods = append(out.Methods, result.FFEstimate{
			Method: m.Method, Value: round(clampFF(m.Value()), 5), Low: round(lo, 5), High: round(hi, 5), Used: used,
		})
	}
	out.Value, out.Low, out.High = round(out.Value, 5), round(out.Low, 5), round(out.High, 5)
	return out
}

// clampFF clips a de-biased estimate to [0, 1] for display.
func clampFF(v float64) float64 { return math.Min(math.Max(v, 0), 1) }

// ffUnavailable says why no sex-agnostic method measured the fetal
// fraction of a sample (autosomalFF gave nothing usable). It names only
// what the sample's data and the reference lack, never the chrY or chrX
// methods, so the text is the same for a male and a female fetus.
func ffUnavailable(ref *refset.Reference, p *refset.SampleProfile) string {
	var why []string
	switch {
	case !p.Paired:
		why = append(why, "single-end sample (no fragment sizes)")
	case ref.FF.Size == nil && ref.FF.Fragment == nil:
		why = append(why, "the reference has no fragment-size model")
	default:
		why = append(why, "the sample's fragment sizes gave no estimate")
	}
	switch m := ref.FF.Profile; {
	case m == nil:
		why = append(why, "the reference has no bin-profile model")
	case !m.Ridge.Cal.Valid() || !m.Ridge.Cal.Informative():
		why = append(why, "the reference's bin-profile model is not informative (nipt reference show)")
	}
	return strings.Join(why, "; ")
}

// prior turns a combined estimate into the calls' fetal-fraction
// likelihood: the de-biased value with its SD as a function of the true
// fraction (call.FFPrior.Noise).
func prior(est fetalfraction.Estimate, ok bool) call.FFPrior {
	if !ok || math.IsNaN(est.Value) {
		return call.FFPrior{Value: math.NaN()}
	}
	return call.FFPrior{Value: est.Value, SE: est.SD(math.Max(est.Value, 0)), Noise: est}
}
