package analyze

import (
	"math"

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

// estimate is one method's estimate with its standard error.
type estimate struct {
	method string
	value  float64
	se     float64
}

// autosomalFF returns the sex-agnostic estimates (bin profile, fragment
// size) of sample s.
func autosomalFF(ref *refset.Reference, s *refset.Sample) []estimate {
	var out []estimate
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
			out = append(out, estimate{FFProfile, m.Ridge.Predict(ft), cvSE(m.Ridge.CV)})
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
		v := m.Predict(p.ShortFraction, prof)
		// The autosomal size profile does not depend on the fetal sex.
		// The all-chromosome one (older counts files or references)
		// covers chrX and chrY, whose fetal share depends on it: a bias
		// of up to SexBias·f, added to the SE so that neither sex is
		// overconfident. An atypical profile (high leverage) widens the
		// SE as its prediction variance grows.
		b := sexBias * math.Max(v, 0)
		se := cvSE(m.Ridge.CV) * m.SEFactor(p.ShortFraction, prof)
		out = append(out, estimate{FFFragments, v, math.Hypot(se, b)})
	case ref.FF.Fragment != nil && p.Paired && !math.IsNaN(p.ShortFraction):
		out = append(out, estimate{FFFragments, ref.FF.Fragment.Predict(p.ShortFraction), cvSE(ref.FF.Fragment.CV)})
	}
	return out
}

// cvSE is the standard error of a model's prediction: its cross-validated
// RMSE raised to the upper one-standard-error bound, RMSE·(1 + 1/√(2n)),
// because the RMSE itself is estimated from only n reference samples and an
// underestimated fetal-fraction error would make "low risk" calls
// overconfident.
func cvSE(cv fetalfraction.CV) float64 {
	return cv.RMSE * (1 + 1/math.Sqrt(2*float64(max(cv.N, 1))))
}

// combine merges estimates by GLS; the bin-profile and fragment-size errors
// are correlated with the reference's cross-validated correlation, the
// sex-chromosome estimates are independent of them.
func combine(ref *refset.Reference, ests []estimate) (v, se float64, w []float64) {
	n := len(ests)
	if n == 0 {
		return math.NaN(), math.NaN(), nil
	}
	vals := make([]float64, n)
	cov := make([][]float64, n)
	for i, e := range ests {
		vals[i] = e.value
		cov[i] = make([]float64, n)
		cov[i][i] = e.se * e.se
	}
	for i, a := range ests {
		for j, b := range ests {
			if i != j && (a.method == FFProfile && b.method == FFFragments || a.method == FFFragments && b.method == FFProfile) {
				cov[i][j] = ref.FF.Corr * a.se * b.se
			}
		}
	}
	return fetalfraction.Combine(vals, cov)
}

// sexFF returns the chrY estimate (and, for a 46,XY complement, the chrX
// estimate) of a sample whose most probable complement has nY ≥ 1 chrY.
func sexFF(ref *refset.Reference, s *refset.Sample, cs []refset.ChromStat, sex call.SexResult, xsd float64) []estimate {
	var out []estimate
	if sex.Best.NY < 1 || len(ref.YBins) == 0 {
		return nil
	}
	f, se := ref.FF.Y.FF(s.YDosage, s.YVar, sex.Best.NY)
	if !math.IsNaN(f) && se > 0 {
		out = append(out, estimate{FFChrY, f, se})
	}
	if sex.Best.Name == "46,XY" {
		if v, ok := cs[genome.ChrX].Value[refset.MethodPCA]; ok {
			r := math.Exp2(v)
			out = append(out, estimate{FFChrX, 2 * (1 - r), 2 * math.Ln2 * r * xsd})
		}
	}
	return out
}

// ffResult builds the result's fetal-fraction section from all estimates
// and the indices of those used in the combination.
func ffResult(all []estimate, used map[string]bool, v, se float64) result.FetalFraction {
	out := result.FetalFraction{Methods: []result.FFEstimate{}}
	if !math.IsNaN(v) {
		lo, hi := fetalfraction.Interval(v, se)
		out.Value, out.Low, out.High = math.Max(v, 0), lo, hi
	}
	for _, e := range all {
		lo, hi := fetalfraction.Interval(e.value, e.se)
		out.Methods = append(out.Methods, result.FFEstimate{
			Method: e.method, Value: round(math.Max(e.value, 0), 5), Low: round(lo, 5), High: round(hi, 5), Used: used[e.method],
		})
	}
	out.Value, out.Low, out.High = round(out.Value, 5), round(out.Low, 5), round(out.High, 5)
	return out
}

// prior turns a combined estimate into the calls' fetal-fraction prior.
func prior(v, se float64) call.FFPrior {
	if math.IsNaN(v) || !(se > 0) {
		return call.FFPrior{Value: math.NaN()}
	}
	return call.FFPrior{Value: v, SE: se}
}
