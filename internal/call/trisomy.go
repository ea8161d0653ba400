package call

import (
	"fmt"
	"math"

	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/stats"
)

// Dosage is a chromosome's measured dosage: its log2 value relative to the
// euploid reference, the null SD of that value, and the share of a
// whole-chromosome change the method retains.
type Dosage struct {
	Value, SD, Retention float64
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
	// euploidy, integrated over the fetal-fraction uncertainty.
	LogLR float64
	// FFImplied is the fetal fraction a full trisomy would need to produce
	// the observed dosage.
	FFImplied float64
	// PDetect is the probability that a full trisomy at this sample's fetal
	// fraction (integrated over its uncertainty) would reach the call
	// threshold.
	PDetect      float64
	Mosaic       bool
	NoCallReason string
}

// CallTrisomy screens one autosome. The rules (docs/method.md §9) weigh
// what was observed, not only what could have been:
//   - z ≥ Config.ZThreshold: high risk; flagged as a possible mosaic (or
//     partial or confined placental event) when the dosage is clearly below
//     what a full trisomy at the fetal fraction's lower 95% bound predicts
//     (by more than 1.96 SD).
//   - otherwise no call when the fetal fraction is unknown or its estimate
//     lies below the floor (FFFloor: Config.MinFF or the estimate's own
//     detection limit, whichever is higher);
//   - otherwise low risk when the data are at least 1/10^-LowRiskLog10LR
//     times as likely under euploidy as under a full trisomy at this
//     sample's fetal fraction (log10 LR ≤ Config.LowRiskLog10LR, −2 by
//     default), and, if Config.DetectionPower > 0, a trisomy would also
//     have reached the threshold with at least that probability;
//   - otherwise no call: the data cannot tell a trisomy from euploidy.
func CallTrisomy(d Dosage, ff FFPrior, cfg Config) Trisomy {
	t := Trisomy{Z: d.Z()}
	rho := d.Retention
	if !(rho > 0) {
		rho = 1
	}
	t.FFImplied = 2 * (math.Exp2(d.Value/rho) - 1)
	fs, ws := ff.grid()
	l1 := make([]float64, len(fs))
	var pd float64
	for i, f := range fs {
		mu := rho * TrisomyShift(f)
		l1[i] = math.Log(ws[i]) + logNormal(d.Value, mu, d.SD)
		pd += ws[i] * stats.NormalSF(cfg.ZThreshold-mu/d.SD)
	}
	t.PDetect = pd
	l0 := logNormal(d.Value, 0, d.SD)
	t.LogLR = (logSumExp(l1) - l0) / math.Ln10
	known := !math.IsNaN(ff.Value)
	floor := FFFloor(ff, cfg)
	switch {
	case t.Z >= cfg.ZThreshold:
		t.Call = result.HighRisk
		if known {
			lo := ff.Low()
			t.Mosaic = d.Value < rho*TrisomyShift(lo)-stats.NormalQuantile(0.975)*d.SD
		}
	case !known:
		t.Call = result.NoCall
		t.NoCallReason = "fetal fraction could not be estimated"
	case ff.Value < floor:
		t.Call = result.NoCall
		t.NoCallReason = fmt.Sprintf("fetal fraction too low: estimate %.1f%% is below the floor %.1f%% (the larger of min_ff and the estimate's detection limit 3.29 SE)", 100*ff.Value, 100*floor)
	case t.LogLR > cfg.LowRiskLog10LR:
		t.Call = result.NoCall
		t.NoCallReason = fmt.Sprintf("inconclusive: the data are not %.0f times more likely without a trisomy than with one at this fetal fraction (log10 LR %.2f > %.2f)", math.Pow(10, -cfg.LowRiskLog10LR), t.LogLR, cfg.LowRiskLog10LR)
	case cfg.DetectionPower > 0 && t.PDetect < cfg.DetectionPower:
		t.Call = result.NoCall
		t.NoCallReason = fmt.Sprintf("fetal fraction or depth too low: a trisomy would be detected with probability %.0f%% (< %.0f%%)", 100*t.PDetect, 100*cfg.DetectionPower)
	default:
		t.Call = result.LowRisk
	}
	return t
}

// detectionLimitSE is Currie's detection limit in units of the estimate's
// SE, 2·z₀.₉₅ = 3.29: the smallest true fetal fraction whose estimate
// exceeds the critical level 1.645 SE (5% false detection of a zero
// fraction) with 95% probability (Currie 1968, Anal Chem 40:586). Below it
// an estimate cannot be told from no fetal DNA at all.
const detectionLimitSE = 2 * 1.6448536269514722

// FFFloor returns the fetal fraction below which no low-risk call is
// made: the larger of Config.MinFF and the detection limit of this
// sample's fetal-fraction estimate (3.29 SE).
func FFFloor(ff FFPrior, cfg Config) float64 {
	fl := cfg.MinFF
	if ff.SE > 0 {
		fl = math.Max(fl, detectionLimitSE*ff.SE)
	}
	return fl
}
