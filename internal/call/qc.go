package call

import (
	"fmt"
	"math"

	"github.com/nipt/nipt/internal/result"
)

// QCInput holds a sample's QC measurements.
type QCInput struct {
	Reads         float64
	DuplicateRate float64
	GCBias        float64 // log2 fold across the central 90% of GC
	MAPD          float64 // of the normalised log2 bin ratios
	MAPDPoisson   float64 // MAPD that Poisson sampling alone gives
	FetalFraction float64 // NaN when it could not be estimated
	// FetalFractionWhy says why it could not be (FFPrior.Why); added to
	// the QC reason.
	FetalFractionWhy string
	// FetalFractionHigh is the upper bound of the fetal fraction's 95%
	// interval. The fetal-fraction fail threshold applies to it: a sample
	// fails only when its fetal fraction is shown to be too low, not when
	// an imprecise (e.g. sex-blind) estimate happens to read low — that
	// would turn a clear trisomy signal into a redraw; the warn threshold
	// and the calls' min_ff apply to the estimate itself. NaN or zero: the
	// estimate is used.
	FetalFractionHigh float64
	ChromDosage       float64 // largest |log2 dosage| of an autosome
	// DepthRatio is the sample's autosomal reads over the reference's
	// median: far above 1 the analysis is conservative (docs/qc.md). NaN
	// or zero: not judged.
	DepthRatio float64
}

// QC judges a sample: each metric passes, warns or fails against its
// thresholds; the sample takes the worst status, with one reason per
// metric that did not pass.
func QC(in QCInput, cfg Config) result.QC {
	q := result.QC{Status: result.QCPass, Reasons: []string{}, Metrics: []result.Metric{}}
	// add judges metric v; vFail is the value the fail threshold applies
	// to (v itself except for the fetal fraction) and failWhat names it;
	// nanWhy says why v could not be measured when it is NaN.
	addWith := func(name string, v, vFail float64, failWhat, nanWhy string, t Threshold, lowerWorse bool, scale float64, unit string) {
		m := result.Metric{Name: name, Value: finite(v), Status: result.QCPass}
		if t.Warn != nil {
			w := *t.Warn * scale
			m.Warn = &w
		}
		if t.Fail != nil {
			fl := *t.Fail * scale
			m.Fail = &fl
		}
		bad := func(x float64, th *float64) bool {
			if th == nil || math.IsNaN(x) {
				return false
			}
			if lowerWorse {
				return x < *th
			}
			return x > *th
		}
		switch {
		case math.IsNaN(v):
			// Not measurable (e.g. no fetal-fraction model for this sample):
			// a warning; the calls carry their own no-call reasons.
			m.Status = result.QCWarn
		case bad(vFail, m.Fail):
			m.Status = result.QCFail
		case bad(v, m.Warn):
			m.Status = result.QCWarn
		}
		if m.Status != result.QCPass {
			th := m.Warn
			if m.Status == result.QCFail {
				th = m.Fail
			}
			cmp := "above"
			if lowerWorse {
				cmp = "below"
			}
			switch {
			case math.IsNaN(v) && nanWhy != "":
				q.Reasons = append(q.Reasons, fmt.Sprintf("%s %s: could not be measured: %s", name, m.Status, nanWhy))
			case math.IsNaN(v):
				q.Reasons = append(q.Reasons, fmt.Sprintf("%s %s: could not be measured", name, m.Status))
			case m.Status == result.QCFail && failWhat != "":
				q.Reasons = append(q.Reasons, fmt.Sprintf("%s %s: %s %.6g%s %s threshold %.6g%s (estimate %.6g%s)", name, m.Status, failWhat, vFail, unit, cmp, *th, unit, v, unit))
			default:
				q.Reasons = append(q.Reasons, fmt.Sprintf("%s %s: %.6g%s %s threshold %.6g%s", name, m.Status, v, unit, cmp, *th, unit))
			}
			if m.Status == result.QCFail || q.Status == result.QCPass {
				q.Status = m.Status
			}
		}
		q.Metrics = append(q.Metrics, m)
	}
	add := func(name string, v float64, t Threshold, lowerWorse bool, scale float64, unit string) {
		addWith(name, v, v, "", "", t, lowerWorse, scale, unit)
	}
	add("reads", in.Reads, cfg.Reads, true, 1, "")
	add("duplicate_rate", in.DuplicateRate, cfg.DuplicateRate, false, 1, "")
	add("gc_bias", math.Abs(in.GCBias), cfg.GCBias, false, 1, "")
	add("mapd", in.MAPD, cfg.MAPD, false, in.MAPDPoisson, "")
	if hi := in.FetalFractionHigh; hi > 0 && !math.IsNaN(in.FetalFraction) {
		addWith("fetal_fraction", in.FetalFraction, math.Max(hi, in.FetalFraction), "upper 95% bound", "", cfg.FetalFraction, true, 1, "")
	} else {
		why := in.FetalFractionWhy
		if math.IsNaN(in.FetalFraction) {
			if why == "" {
				why = "no method measured it"
			}
			if cfg.FFUnknown == FFUnknownPopulation {
				why += "; the calls weigh the population's fetal fractions (ff_unknown = population)"
			} else {
				why += "; no low-risk calls without it (ff_unknown = no_call; \"population\" calls from the population's fetal fractions, docs/qc.md)"
			}
		}
		addWith("fetal_fraction", in.FetalFraction, in.FetalFraction, "", why, cfg.FetalFraction, true, 1, "")
	}
	add("chrom_dosage", in.ChromDosage, cfg.ChromDosage, false, 1, "")
	if in.DepthRatio > 0 {
		add("depth_ratio", in.DepthRatio, cfg.DepthRatio, false, 1, "")
	}
	return q
}

// finite maps NaN and ±Inf to 0 for JSON output (the metric's status
// carries the verdict).
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}
