package call

import (
	"fmt"
	"math"
	"strconv"

	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/stats"
)

// Dosage is a chromosome's measured dosage: its log2 value relative to the
// euploid reference, the null SD of that value, and the share of a
// whole-chromosome change the method retains.
type Dosage struct {
	Value, SD, Retention float64
	// DF is the degrees of freedom of the SD: n − 1 for a null SD
	// estimated from n reference samples, 0 for a known SD.
	DF float64
}

// Z is Value/SD.
func (d Dosage) Z() float64 { return d.Value / d.SD }

// TrisomyShift is the expected log2 dosage change of a full trisomy at fetal
// fraction f: the chromosome's share rises from 2 to 2 + f copies-worth, a
// ratio of 1 + f/2.
func TrisomyShift(f float64) float64 { return math.Log2(1 + f/2) }

// Trisomy is the screening result for one autosome.
type Trisomy struct {
	Call result.Call
	Z    float64
	// LogLR is log10 of the likelihood ratio of a full trisomy versus
	// euploidy, integrated over the posterior of the fetal fraction.
	LogLR float64
	// Risk is the probability of the trisomy after the test: the
	// prevalence updated by the likelihood ratio (ResidualRisk).
	Risk float64
	// FFImplied is the fetal fraction a full trisomy would need to produce
	// the observed dosage.
	FFImplied float64
	// PDetect is the probability that a full trisomy at this sample's fetal
	// fraction (integrated over its posterior) would reach the call
	// threshold.
	PDetect float64
	// Threshold is the z at or above which the trisomy is high risk
	// (Config.TrisomyThreshold, or RATThreshold for a rare autosome).
	Threshold float64
	Mosaic    bool
	// Maternal flags a high-risk dosage clearly above what a full fetal
	// trisomy at the estimate's upper 95% bound gives (by more than 1.96
	// SD): the excess points to the mother (a mosaic maternal aneuploidy,
	// a maternal copy-number change segmentation did not separate, a
	// maternal malignancy) or to a fetal fraction the estimate missed.
	Maternal     bool
	NoCallReason string
}

// CallTrisomy screens one autosome whose trisomy has prevalence prev
// (Config.Prevalence.For); rare says it is not chromosome 13, 18 or 21.
// The fetal fraction enters through its posterior given the estimate ff
// and the population distribution of cfg (Config.PopulationFF). The rules
// (docs/method.md §9) weigh what was observed, not only what could have
// been:
//   - z ≥ the threshold (Config.TrisomyThreshold, or RATThreshold when
//     rare, for the SD's degrees of freedom d.DF): high risk; flagged as a
//     possible mosaic (or
//     partial or confined placental event) when the dosage is clearly below
//     what a full trisomy at the estimate's lower 95% bound predicts (by
//     more than 1.96 SD), and as of possible maternal origin when it is
//     clearly above what one at the upper bound predicts (Maternal).
//   - otherwise no call when the fetal fraction is unknown (unless
//     Config.FFUnknown is FFUnknownPopulation: the posterior is then the
//     population distribution, and the rules below decide) or its
//     estimate lies below Config.MinFF;
//   - otherwise low risk when the probability of the trisomy after the test
//     (Risk) is at most Config.LowRiskResidual and the data favour
//     euploidy at least 10^-LowRiskLog10LR to one, and, if
//     Config.DetectionPower > 0, a trisomy would also have reached the
//     threshold with at least that probability;
//   - otherwise no call: the data cannot tell a trisomy from euploidy well
//     enough.
func CallTrisomy(d Dosage, ff FFPrior, prev float64, rare bool, cfg Config) Trisomy {
	t := Trisomy{Z: d.Z(), Threshold: cfg.TrisomyThreshold(d.DF)}
	if rare {
		t.Threshold = cfg.RATThreshold(d.DF)
	}
	rho := d.Retention
	if !(rho > 0) {
		rho = 1
	}
	t.FFImplied = 2 * (math.Exp2(d.Value/rho) - 1)
	known := ff.known()
	fs, ws := ff.gridWith(cfg.PopulationFF())
	l1 := make([]float64, len(fs))
	var pd float64
	for i, f := range fs {
		mu := rho * TrisomyShift(f)
		l1[i] = math.Log(ws[i]) + logNormal(d.Value, mu, d.SD)
		pd += ws[i] * stats.NormalSF(t.Threshold-mu/d.SD)
	}
	t.PDetect = pd
	l0 := logNormal(d.Value, 0, d.SD)
	t.LogLR = (logSumExp(l1) - l0) / math.Ln10
	t.Risk = ResidualRisk(prev, t.LogLR)
	at := "at this fetal fraction"
	if !known {
		at = "over the population's fetal fractions (none was measured)"
	}
	switch {
	case t.Z >= t.Threshold:
		t.Call = result.HighRisk
		if known {
			z := stats.NormalQuantile(0.975)
			t.Mosaic = d.Value < rho*TrisomyShift(ff.Low())-z*d.SD
			t.Maternal = d.Value > rho*TrisomyShift(ff.High())+z*d.SD
		}
	case !known && cfg.FFUnknown != FFUnknownPopulation:
		t.Call = result.NoCall
		t.NoCallReason = "fetal fraction could not be estimated"
		if ff.Why != "" {
			t.NoCallReason += ": " + ff.Why
		}
	case known && ff.Value < cfg.MinFF:
		t.Call = result.NoCall
		of := ""
		if ff.Of != "" {
			of = " (" + ff.Of + ")"
		}
		t.NoCallReason = fmt.Sprintf("fetal fraction too low: estimate %.1f%%%s is below min_ff %.1f%%", 100*ff.Value, of, 100*cfg.MinFF)
	case t.LogLR > cfg.LowRiskLog10LR:
		t.Call = result.NoCall
		t.NoCallReason = fmt.Sprintf("inconclusive: z %.2f is below the high-risk threshold %.2f, but the data are not %.0f times more likely without a trisomy than with one %s (log10 LR %.2f > %.2f)", t.Z, t.Threshold, math.Pow(10, -cfg.LowRiskLog10LR), at, t.LogLR, cfg.LowRiskLog10LR)
	case !(t.Risk <= cfg.LowRiskResidual):
		t.Call = result.NoCall
		t.NoCallReason = fmt.Sprintf("inconclusive: z %.2f is below the high-risk threshold %.2f, but the risk after the test %s is above %s (prevalence %s, log10 LR %.2f)", t.Z, t.Threshold, OneIn(t.Risk), OneIn(cfg.LowRiskResidual), OneIn(prev), t.LogLR)
	case cfg.DetectionPower > 0 && t.PDetect < cfg.DetectionPower:
		t.Call = result.NoCall
		t.NoCallReason = fmt.Sprintf("fetal fraction or depth too low: a trisomy would be detected with probability %.0f%% (< %.0f%%) %s", 100*t.PDetect, 100*cfg.DetectionPower, at)
	default:
		t.Call = result.LowRisk
	}
	return t
}

// OneIn formats a probability as "1 in N" (N rounded to two significant
// digits above 100), the way screening risks are reported.
func OneIn(p float64) string {
	switch {
	case math.IsNaN(p):
		return "unknown"
	case p <= 0:
		return "0"
	case p >= 1:
		return "1 in 1"
	}
	n := 1 / p
	if n >= 100 {
		e := math.Pow(10, math.Floor(math.Log10(n))-1)
		n = math.Round(n/e) * e
	} else {
		n = math.Round(n)
	}
	return "1 in " + strconv.FormatFloat(n, 'f', -1, 64)
}
