package evaluate

import (
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// evaluateFF compares estimated with true fetal fraction. Included: test
// samples with a finite true FF and a finite estimate, whatever their QC
// verdict (QC does not change the estimator, and leaving out the low-FF
// failures would hide the low end). Twin pregnancies are left out: their
// truth is the total FF of two fetuses, which a chrY-based estimate of a
// discordant-sex pair cannot be expected to match.
func evaluateFF(js []*joined, sum *Summary, opt Options) FFResult {
	r := FFResult{}
	if !sum.HasFF {
		r.NotEvaluatedReason = "summary has no ff column"
	}
	var all, female, male []*joined
	known := false
	for _, j := range js {
		if !math.IsNaN(j.t.FF) {
			known = true
		}
		if j.c == nil || math.IsNaN(j.t.FF) || math.IsNaN(j.c.FF) {
			continue
		}
		if j.t.Twins {
			r.ExcludedTwins++
			continue
		}
		all = append(all, j)
		switch j.t.FetalSex {
		case "female":
			female = append(female, j)
		case "male":
			male = append(male, j)
		}
	}
	if r.NotEvaluatedReason == "" && !known {
		r.NotEvaluatedReason = "truth has no fetal fractions"
	}
	r.Evaluated = r.NotEvaluatedReason == ""
	r.All = ffStats(all, opt)
	r.ByFetalSex = FFBySex{Female: ffStats(female, opt), Male: ffStats(male, opt)}
	bins := makeFFBins(opt.FFBins)
	groups := make([][]*joined, len(bins))
	for _, j := range all {
		b := binOf(bins, j.t.FF)
		groups[b] = append(groups[b], j)
	}
	r.ByFF = []FFBinStats{}
	for b, g := range groups {
		if len(g) > 0 {
			r.ByFF = append(r.ByFF, FFBinStats{Bin: bins[b], Stats: ffStats(g, opt)})
		}
	}
	return r
}

func ffStats(js []*joined, opt Options) FFStats {
	nan := Float(math.NaN())
	s := FFStats{N: len(js), PearsonR: nan, MAE: nan, Bias: nan, BiasSD: nan, LoALow: nan, LoAHigh: nan, Slope: nan, Intercept: nan, IntervalWidth: nan}
	truth := make([]float64, len(js))
	est := make([]float64, len(js))
	diff := make([]float64, len(js))
	covered, withInterval := 0, 0
	var abs, width float64
	for i, j := range js {
		truth[i], est[i] = j.t.FF, j.c.FF
		diff[i] = est[i] - truth[i]
		abs += math.Abs(diff[i])
		if !math.IsNaN(j.c.FFLow) && !math.IsNaN(j.c.FFHigh) {
			withInterval++
			width += j.c.FFHigh - j.c.FFLow
			if j.c.FFLow <= j.t.FF && j.t.FF <= j.c.FFHigh {
				covered++
			}
		}
	}
	s.IntervalCoverage = newProportion(covered, withInterval, opt.CI, opt.Confidence)
	if withInterval > 0 {
		s.IntervalWidth = Float(width / float64(withInterval))
	}
	if len(js) == 0 {
		return s
	}
	s.MAE = Float(abs / float64(len(js)))
	s.Bias = Float(stat.Mean(diff, nil))
	if len(js) >= 2 {
		sd := stat.StdDev(diff, nil)
		z := distuv.UnitNormal.Quantile(1 - (1-opt.Confidence)/2) // 1.96 at 95%
		s.BiasSD = Float(sd)
		s.LoALow, s.LoAHigh = s.Bias-Float(z*sd), s.Bias+Float(z*sd)
	}
	if len(js) >= 3 {
		s.PearsonR = Float(stat.Correlation(truth, est, nil))
		if stat.Variance(truth, nil) > 0 {
			a, b := stat.LinearRegression(truth, est, nil, false)
			s.Intercept, s.Slope = Float(a), Float(b)
		}
	}
	return s
}
