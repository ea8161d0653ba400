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
	ChromDosage   float64 // largest |log2 dosage| of an autosome
}

// QC judges a sample: each metric passes, warns or fails against its
// thresholds; the sample takes the worst status, with one reason per
// metric that did not pass.
func QC(in QCInput, cfg Config) result.QC {
	q := result.QC{Status: result.QCPass, Reasons: []string{}, Metrics: []result.Metric{}}
	add := func(name string, v float64, t Threshold, lowerWorse bool, scale float64, unit string) {
		m := result.Metric{Name: name, Value: finite(v), Status: result.QCPass}
		if t.Warn != nil {
			w := *t.Warn * scale
			m.Warn = &w
		}
		if t.Fail != nil {
			fl := *t.Fail * scale
			m.Fail = &fl
		}
		bad := func(th *float64) bool {
			if th == nil || math.IsNaN(v) {
				return false
			}
			if lowerWorse {
				return v < *th
			}
			return v > *th
		}
		switch {
		case math.IsNaN(v):
			// Not measurable (e.g. no fetal-fraction model for this sample):
			// a warning; the calls carry their own no-call reasons.
			m.Status = result.QCWarn
		case bad(m.Fail):
			m.Status = result.QCFail
		case bad(m.Warn):
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
			if math.IsNaN(v) {
				q.Reasons = append(q.Reasons, fmt.Sprintf("%s %s: could not be measured", name, m.Status))
			} else {
				q.Reasons = append(q.Reasons, fmt.Sprintf("%s %s: %.6g%s %s threshold %.6g%s", name, m.Status, v, unit, cmp, *th, unit))
			}
			if m.Status == result.QCFail || q.Status == result.QCPass {
				q.Status = m.Status
			}
		}
		q.Metrics = append(q.Metrics, m)
	}
	add("reads", in.Reads, cfg.Reads, true, 1, "")
	add("duplicate_rate", in.DuplicateRate, cfg.DuplicateRate, false, 1, "")
	add("gc_bias", math.Abs(in.GCBias), cfg.GCBias, false, 1, "")
	add("mapd", in.MAPD, cfg.MAPD, false, in.MAPDPoisson, "")
	add("fetal_fraction", in.FetalFraction, cfg.FetalFraction, true, 1, "")
	add("chrom_dosage", in.ChromDosage, cfg.ChromDosage, false, 1, "")
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
