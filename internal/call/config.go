package call

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nipt/nipt/internal/stats"
)

// Threshold is a QC threshold pair; nil means "not checked". For
// lower-is-worse metrics (reads, fetal fraction) a value below Warn warns
// and below Fail fails; for higher-is-worse metrics the reverse.
type Threshold struct {
	Warn *float64 `toml:"warn"`
	Fail *float64 `toml:"fail"`
}

// Config holds the QC thresholds and calling parameters (qc.toml,
// documented in docs/qc.md with the reasons for every default).
type Config struct {
	// QC thresholds by metric.
	Reads         Threshold `toml:"reads"`          // lower is worse
	DuplicateRate Threshold `toml:"duplicate_rate"` // higher is worse
	GCBias        Threshold `toml:"gc_bias"`        // |log2| fold, higher is worse
	// MAPD thresholds are multiples of the MAPD that Poisson sampling alone
	// gives at the sample's depth (the reported metric is the raw MAPD).
	MAPD          Threshold `toml:"mapd"`           // higher is worse
	FetalFraction Threshold `toml:"fetal_fraction"` // lower is worse
	// ChromDosage bounds the largest |log2 dosage| of any autosome: no
	// pregnancy moves a whole autosome by 25% (a full trisomy at 50% fetal
	// fraction gives 1.25), so beyond it the counts are not what they claim
	// (another sample type, a broken counts file, contamination) or the
	// mother is aneuploid; higher is worse.
	ChromDosage Threshold `toml:"chrom_dosage"`
	// DepthRatio: the sample's autosomal reads over the reference's
	// median; higher is worse. A sample far deeper than its reference is
	// analysed conservatively (its nulls keep structured noise the
	// shallow reference could not measure), so it warns: build the
	// reference at the depth the laboratory sequences.
	DepthRatio Threshold `toml:"depth_ratio"`
	// AberrantAutosomes bounds the number of autosomes with a
	// chromosome-scale change or a reported CNV (call.AberrantAutosomes):
	// changes on more than two at once point to the mother (an occult
	// malignancy) or a broken sample rather than the fetus; higher is worse.
	AberrantAutosomes Threshold `toml:"aberrant_autosomes"`

	// ZThreshold: |z| at or above which a chromosome or a segment is
	// flagged in the first pass (left out of the second pass's
	// normalisation) and a segmentation segment can be called a CNV.
	// Trisomy calls use TrisomySpecificity.
	ZThreshold float64 `toml:"z_threshold"`
	// TrisomySpecificity: the probability that a chromosome without a
	// trisomy is not called high risk, per condition (T13, T18, T21; the 19
	// rare autosomes share it, RATThreshold). The z threshold is its
	// quantile under the predictive null of the chromosome's z, Student's
	// t with ν = n − 1 degrees of freedom for a null SD estimated from n
	// reference samples (TrisomyThreshold): 3.20 with 80 references, 3.13
	// with 240, the normal quantile 3.09 for a very large reference.
	TrisomySpecificity float64 `toml:"trisomy_specificity"`
	// RATZThreshold: z threshold for the rare autosomal trisomies (every
	// autosome but 13, 18, 21), used as given; 0 selects the Bonferroni
	// bound that gives the 19 chromosomes together the false-positive rate
	// of one common trisomy (RATThreshold).
	RATZThreshold float64 `toml:"rat_z_threshold"`
	// LowRiskResidual: a trisomy is low risk only when its probability
	// after the test (ResidualRisk of the condition's prevalence and the
	// likelihood ratio) is at most this value.
	LowRiskResidual float64 `toml:"low_risk_residual"`
	// LowRiskLog10LR: and only when log10 of the likelihood ratio of a
	// full trisomy (at the sample's fetal fraction, integrated over its
	// posterior) versus euploidy is at most this value, whatever the
	// prevalence: a low-risk result must rest on evidence from the sample,
	// not on a rare condition's prior alone.
	LowRiskLog10LR float64 `toml:"low_risk_log10_lr"`
	// Prevalence of each trisomy at the time of testing; the lab profile's
	// performance prevalences override it.
	Prevalence Prevalence `toml:"prevalence"`
	// FFPriorMedian and FFPriorLogSD describe the fetal-fraction
	// distribution of the tested population (log-normal, PopulationFF);
	// the trisomy calls and the SCA callability integrate over the
	// posterior of the fetal fraction given its estimate and this
	// distribution. FFPriorLogSD = 0 turns it off (flat prior).
	FFPriorMedian float64 `toml:"ff_prior_median"`
	FFPriorLogSD  float64 `toml:"ff_prior_log_sd"`
	// MinFF: no low-risk call when the fetal-fraction estimate is below
	// this (a QC rule on the estimate itself).
	MinFF float64 `toml:"min_ff"`
	// DetectionPower: when > 0, a "low risk" call also requires that a
	// trisomy at the sample's fetal fraction would reach ZThreshold with at
	// least this probability (the pre-data power rule; 0 = off).
	DetectionPower float64 `toml:"detection_power"`
	// FFUnknown says what the trisomy and sex-chromosome calls do when no
	// fetal-fraction method measured the sample (single-end data whose
	// bin-profile model is not informative, a sex-blind analysis without
	// a fragment-size model): FFUnknownNoCall (the default) gives no low-risk
	// call, FFUnknownPopulation weighs the data over the population
	// distribution of fetal fractions (FFPriorMedian, FFPriorLogSD) and
	// calls low risk when the risk after the test meets the same rules.
	// High-risk calls do not depend on it.
	FFUnknown string `toml:"ff_unknown"`
	// SCAPosterior: posterior probability of a sex-chromosome aneuploidy
	// needed for a high-risk call. A sample whose SCA result is callable
	// (SCADetection) and below it is low risk.
	SCAPosterior float64 `toml:"sca_posterior"`
	// SCADetection: the sex-chromosome result is callable only when a
	// one-copy change of chrX would reach SCAPosterior with at least this
	// probability given the sex-blind fetal fraction and its uncertainty
	// (SCADetectionProb); otherwise no call. The rule uses only sex-blind
	// quantities, so the no-call rate cannot reveal the fetal sex.
	SCADetection float64 `toml:"sca_detection"`
	// CNVMinSize: smallest fetal (or uncertain-origin) CNV reported, in
	// bases; CNVMinSizeMaternal: smallest maternal CNV reported. Every
	// significant segment, reported or not, is left out of the chromosome
	// dosages.
	CNVMinSize         int `toml:"cnv_min_size"`
	CNVMinSizeMaternal int `toml:"cnv_min_size_maternal"`
	// CNVFalseCalls: genome-wide probability of a spurious segmentation
	// split per sample; each chromosome's CBS split test runs at
	// CNVFalseCalls / (number of chromosomes).
	CNVFalseCalls float64 `toml:"cnv_false_calls"`
	// CNVScanFalseCalls: genome-wide false-call probability per sample of
	// the fetal-CNV scan at the expected fetal level (FetalScan), on top
	// of the segmentation's; 0 turns the scan off.
	CNVScanFalseCalls float64 `toml:"cnv_scan_false_calls"`
	// OriginPosterior: posterior needed to label a CNV fetal or maternal.
	OriginPosterior float64 `toml:"origin_posterior"`
	// BatchFalseAlarms: probability that a batch without any offset gets
	// a batch-offset warning on at least one autosome (the batch QC of
	// nipt analyze, docs/qc.md); 0 turns the check off.
	BatchFalseAlarms float64 `toml:"batch_false_alarms"`
	// BatchMinSamples: fewest samples with a usable z-score of a
	// chromosome for its batch offset to be tested.
	BatchMinSamples int `toml:"batch_min_samples"`
	// BatchOffsets: BatchOffsetsWarn only tests each autosome for a batch
	// offset (batch_qc.tsv, a log warning); BatchOffsetsCorrect also
	// removes the offset the batch's own samples estimate from every
	// sample's chromosome dosages before the trisomy calls (nipt analyze,
	// docs/qc.md "Batch correction").
	BatchOffsets string `toml:"batch_offsets"`
	// BatchCorrectMinSamples: fewest samples with a usable dosage of a
	// chromosome for its offset to be corrected.
	BatchCorrectMinSamples int `toml:"batch_correct_min_samples"`
	// BatchMaxHighRisk: a chromosome is not corrected when more than this
	// share of the batch's samples that passed QC are high risk for it —
	// a batch that is not a screening population (e.g. a validation set
	// of trisomies), whose remaining samples cannot be taken as euploid.
	BatchMaxHighRisk float64 `toml:"batch_max_high_risk"`
}

func f(v float64) *float64 { return &v }

// The values of Config.FFUnknown.
const (
	FFUnknownNoCall     = "no_call"
	FFUnknownPopulation = "population"
)

// The values of Config.BatchOffsets.
const (
	BatchOffsetsWarn    = "warn"
	BatchOffsetsCorrect = "correct"
)

// DefaultConfig returns the documented defaults (docs/qc.md).
func DefaultConfig() Config {
	return Config{
		Reads:         Threshold{Warn: f(2_000_000), Fail: f(500_000)},
		DuplicateRate: Threshold{Warn: f(0.2), Fail: f(0.5)},
		GCBias:        Threshold{Warn: f(0.585), Fail: f(1.585)},
		MAPD:          Threshold{Warn: f(1.5), Fail: f(2.5)},
		FetalFraction: Threshold{Warn: f(0.04), Fail: f(0.02)},
		ChromDosage:   Threshold{Fail: f(0.322)}, // log2(1.25)
		// At 3× the reference's depth the sample's z-scores are narrower
		// than a standard normal (SD ≈ 0.9; 0.83 at 6×, docs/validation.md).
		DepthRatio: Threshold{Warn: f(3)},
		// A fetus carries changes on at most two autosomes (a trisomy, or
		// an unbalanced translocation's gain and loss); three or more is
		// the pattern of a maternal malignancy (docs/qc.md).
		AberrantAutosomes: Threshold{Warn: f(2)},
		ZThreshold:        3,
		// The specificity cfDNA screening is expected to reach for each
		// common trisomy (≥ 99.9%; T21 false-positive rate 0.04% in
		// meta-analysis, Gil et al. 2017): z = 3 alone would allow 0.13%
		// per chromosome even with a perfectly known null.
		TrisomySpecificity: 0.999,
		// 1 in 10,000: the lowest risk cfDNA screening reports state
		// ("< 1/10,000" on reports of FORTE, which likewise combines the
		// prior risk with the fetal fraction: Sparks et al. 2012, Am J
		// Obstet Gynecol 206:319), an NPV ≥ 99.99% for
		// every low-risk result on its own, within an order of magnitude
		// of the average residual risk of published cfDNA screening (T21:
		// detection 99.7%, false positives 0.04%, Gil et al. 2017, at the
		// 1/252 below: 1 in 84,000), and 10–20 times below the
		// procedure-related miscarriage risk of an invasive test (0.11%
		// amniocentesis, 0.22% CVS: Akolekar et al. 2015, Ultrasound
		// Obstet Gynecol 45:16), so that no low-risk result would justify
		// one. docs/qc.md.
		LowRiskResidual: 1e-4,
		// Bayes factor ≥ 20 for euploidy, the "strong evidence" bound of
		// Kass & Raftery 1995 (JASA 90:773; 2 ln B ≥ 6). It binds when
		// the prevalence is below ~1/500 (T18, T13, or a lab's lower
		// figure): there the residual-risk rule alone would accept
		// likelihood ratios of 0.07 (T18) or 0.19 (T13), and any ratio
		// below 1 at a prevalence under 1/10,000 — "low risk" resting on
		// the prior rather than on the sample.
		LowRiskLog10LR: -1.3,
		// At 11+0–13+6 weeks in 108,982 singleton pregnancies in routine
		// care (Santorum et al. 2017, Ultrasound Obstet Gynecol 49:714):
		// 432 T21, 166 T18, 56 T13 (0.00396, 0.00152, 0.000514: 1 in 252,
		// 657, 1,946). Rare autosomal trisomies: about 0.3% of genome-wide
		// cfDNA screens find one (Pertile et al. 2017, Sci Transl Med
		// 9:eaan1240), used for every rare autosome on its own, an upper
		// bound for each.
		Prevalence: Prevalence{T21: 0.00396, T18: 0.00152, T13: 0.000514, RAT: 0.003},
		// Median 10%: Ashoor et al. 2013 (Ultrasound Obstet Gynecol 41:26;
		// 1,949 singletons at 11–13 weeks, IQR 7.8–13.0%). log-SD 0.5 is
		// wider than that IQR implies (0.38): fetal fraction falls with
		// maternal weight (11.7% at 60 kg, 3.9% at 160 kg; 0.7% below 4%
		// at 60 kg, 7.1% at 100 kg) and is lower in trisomy 18 and 13
		// pregnancies, so a lab's population has a heavier low tail; 0.5
		// puts 3.4% of pregnancies below 4% ("a few percent"), and more
		// mass at low fetal fractions only makes low-risk calls harder.
		FFPriorMedian: 0.10,
		FFPriorLogSD:  0.5,
		// 4%: the fetal-fraction floor of the clinical validation studies
		// (e.g. Norton et al. 2015, N Engl J Med 372:1589, excluded
		// samples below it) and of most laboratories (ACMG 2016), so
		// screening performance below it is not established; the
		// fetal-fraction models are also trained on references that
		// rarely lie below it. It also bounds the low-risk calls of
		// trisomies at 2–3% (TestLowFFTrisomyRarelyLowRisk).
		MinFF: 0.04,
		// A laboratory whose samples have no fetal-fraction measurement
		// chooses to call them from the population's fractions
		// (docs/qc.md); by default a low-risk result needs a measured
		// fraction (ACMG 2016 asks laboratories to measure and report it).
		FFUnknown:    FFUnknownNoCall,
		SCAPosterior: 0.99,
		// 0.95: the usual design power of a screening test and about the
		// detection rate cfDNA screening reaches for 45,X in meta-analysis
		// (95.8%, Gil et al. 2017, Ultrasound Obstet Gynecol 50:302), here
		// required of each sample for the smallest change.
		SCADetection: 0.95,
		CNVMinSize:   3_000_000,
		// A maternal CNV changes the dosage by about ±50%, so 1 Mb (10 bins
		// at 100 kb) is detected with z > 10 at 3 M reads.
		CNVMinSizeMaternal: 1_000_000,
		// False-call budget: 0.05 spurious CNV calls per sample in all,
		// half the screening target (< 0.1 per sample), so that a
		// validation of ~120 samples stays below the target with
		// probability ≥ 95% (Poisson margin, TestCNVBudgetMargin); both
		// tests were measured calibrated on 240 simulated euploid samples
		// (docs/method.md §8), so the budget, not the null model, set the
		// false-call rate. The scan, the likelihood-ratio test at the
		// level a fetal change has, gets 0.04: it finds the fetal changes
		// the target is about. Segmentation keeps 0.01: its remaining job
		// is maternal CNVs (z > 10 at ≥ 1 Mb) and changes of other
		// levels, for which its threshold rising from z ≈ 5.0 to 5.3
		// costs little.
		CNVFalseCalls:     0.01,
		CNVScanFalseCalls: 0.04,
		OriginPosterior:   0.99,
		BatchFalseAlarms:  0.01,
		BatchMinSamples:   10,
		// Each run's own offsets are removed (docs/qc.md "Batch
		// correction": on 3,000 simulated euploid pregnancies in runs of
		// ~140 the z-score tails became normal and the false trisomy calls
		// fell from 21 to 12, 8.0 expected; sensitivity unchanged).
		BatchOffsets: BatchOffsetsCorrect,
		// SE² of the offset ≈ 1.05/n in units of the null variance
		// (Huber's estimate): from 20 samples on it widens the z-scores'
		// SD by at most 2.6%.
		BatchCorrectMinSamples: 20,
		// A screening population carries a common trisomy in well under 1%
		// of pregnancies; 5% leaves room for a high-risk referral
		// population and still stops correction on validation sets.
		BatchMaxHighRisk: 0.05,
	}
}

// LoadConfig reads a qc.toml file over the defaults; keys it does not set
// keep their default. Unknown keys are an error.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("reading QC config: %w", err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		return Config{}, fmt.Errorf("QC config %s: %w", path, err)
	}
	return c, nil
}

// ParseConfig parses TOML over the defaults.
func ParseConfig(b []byte) (Config, error) {
	c := DefaultConfig()
	md, err := toml.NewDecoder(bytes.NewReader(b)).Decode(&c)
	if err != nil {
		return Config{}, err
	}
	if und := md.Undecoded(); len(und) > 0 {
		var keys []string
		for _, k := range und {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		return Config{}, fmt.Errorf("unknown key(s) %s (see docs/qc.md for the valid keys)", strings.Join(keys, ", "))
	}
	return c, c.Validate()
}

// Validate checks ranges.
func (c Config) Validate() error {
	switch {
	case !(c.ZThreshold > 0):
		return fmt.Errorf("z_threshold must be positive, got %g", c.ZThreshold)
	case !(c.DetectionPower >= 0 && c.DetectionPower < 1):
		return fmt.Errorf("detection_power must lie in [0, 1), got %g", c.DetectionPower)
	case !(c.LowRiskLog10LR < 0):
		return fmt.Errorf("low_risk_log10_lr must be negative (evidence for euploidy), got %g", c.LowRiskLog10LR)
	case !(c.LowRiskResidual > 0 && c.LowRiskResidual < 0.5):
		return fmt.Errorf("low_risk_residual must lie in (0, 0.5), got %g", c.LowRiskResidual)
	case !(c.FFPriorLogSD >= 0 && c.FFPriorLogSD <= 3):
		return fmt.Errorf("ff_prior_log_sd must lie in [0, 3] (0 turns the population prior off), got %g", c.FFPriorLogSD)
	case c.FFPriorLogSD > 0 && !(c.FFPriorMedian > 0 && c.FFPriorMedian < MaxFF):
		return fmt.Errorf("ff_prior_median must lie in (0, %g), got %g", MaxFF, c.FFPriorMedian)
	case c.FFUnknown != FFUnknownNoCall && c.FFUnknown != FFUnknownPopulation:
		return fmt.Errorf("ff_unknown must be %q or %q, got %q", FFUnknownNoCall, FFUnknownPopulation, c.FFUnknown)
	case c.FFUnknown == FFUnknownPopulation && !(c.FFPriorLogSD > 0):
		return fmt.Errorf("ff_unknown = %q needs the population distribution of fetal fractions (ff_prior_log_sd > 0)", FFUnknownPopulation)
	case !(c.MinFF >= 0 && c.MinFF < MaxFF):
		return fmt.Errorf("min_ff must lie in [0, %g), got %g", MaxFF, c.MinFF)
	case !(c.SCAPosterior > 0.5 && c.SCAPosterior < 1):
		return fmt.Errorf("sca_posterior must lie in (0.5, 1), got %g", c.SCAPosterior)
	case !(c.SCADetection > 0.5 && c.SCADetection < 1):
		return fmt.Errorf("sca_detection must lie in (0.5, 1), got %g", c.SCADetection)
	case !(c.OriginPosterior > 0.5 && c.OriginPosterior < 1):
		return fmt.Errorf("origin_posterior must lie in (0.5, 1), got %g", c.OriginPosterior)
	case c.CNVMinSize < 0 || c.CNVMinSizeMaternal < 0:
		return fmt.Errorf("cnv_min_size and cnv_min_size_maternal must not be negative, got %d and %d", c.CNVMinSize, c.CNVMinSizeMaternal)
	case !(c.TrisomySpecificity > 0.5 && c.TrisomySpecificity < 1):
		return fmt.Errorf("trisomy_specificity must lie in (0.5, 1), got %g", c.TrisomySpecificity)
	case c.RATZThreshold < 0:
		return fmt.Errorf("rat_z_threshold must not be negative, got %g", c.RATZThreshold)
	case !(c.CNVFalseCalls > 0 && c.CNVFalseCalls < 1):
		return fmt.Errorf("cnv_false_calls must lie in (0, 1), got %g", c.CNVFalseCalls)
	case !(c.CNVScanFalseCalls >= 0 && c.CNVScanFalseCalls < 1):
		return fmt.Errorf("cnv_scan_false_calls must lie in [0, 1), got %g", c.CNVScanFalseCalls)
	case !(c.BatchFalseAlarms >= 0 && c.BatchFalseAlarms < 1):
		return fmt.Errorf("batch_false_alarms must lie in [0, 1) (0 turns the batch check off), got %g", c.BatchFalseAlarms)
	case c.BatchMinSamples < 3:
		return fmt.Errorf("batch_min_samples must be at least 3, got %d", c.BatchMinSamples)
	case c.BatchOffsets != BatchOffsetsWarn && c.BatchOffsets != BatchOffsetsCorrect:
		return fmt.Errorf("batch_offsets must be %q or %q, got %q", BatchOffsetsWarn, BatchOffsetsCorrect, c.BatchOffsets)
	case c.BatchCorrectMinSamples < 5:
		return fmt.Errorf("batch_correct_min_samples must be at least 5, got %d", c.BatchCorrectMinSamples)
	case !(c.BatchMaxHighRisk >= 0 && c.BatchMaxHighRisk < 0.5):
		return fmt.Errorf("batch_max_high_risk must lie in [0, 0.5), got %g", c.BatchMaxHighRisk)
	}
	if c.AberrantAutosomes.Fail != nil {
		return fmt.Errorf("aberrant_autosomes takes a warn threshold only: it is counted from the calls, after they are made")
	}
	if err := c.Prevalence.validate(); err != nil {
		return err
	}
	for _, nt := range []struct {
		name string
		t    Threshold
	}{{"reads", c.Reads}, {"duplicate_rate", c.DuplicateRate}, {"gc_bias", c.GCBias}, {"mapd", c.MAPD}, {"fetal_fraction", c.FetalFraction}, {"chrom_dosage", c.ChromDosage}, {"depth_ratio", c.DepthRatio}, {"aberrant_autosomes", c.AberrantAutosomes}} {
		name, t := nt.name, nt.t
		if t.Warn != nil && t.Fail != nil && *t.Warn != *t.Fail {
			lowerWorse := name == "reads" || name == "fetal_fraction"
			if lowerWorse && *t.Warn < *t.Fail || !lowerWorse && *t.Warn > *t.Fail {
				return fmt.Errorf("%s: warn threshold %g is beyond the fail threshold %g", name, *t.Warn, *t.Fail)
			}
		}
	}
	return nil
}

// PopulationFF returns the configured fetal-fraction distribution of the
// tested population (zero, i.e. none, when FFPriorLogSD is 0).
func (c Config) PopulationFF() PopulationFF {
	if !(c.FFPriorLogSD > 0) {
		return PopulationFF{}
	}
	return PopulationFF{Median: c.FFPriorMedian, LogSD: c.FFPriorLogSD}
}

// rareAutosomes is the number of autosomes screened for rare trisomies.
const rareAutosomes = 19

// TrisomyThreshold returns the z threshold of a trisomy 13, 18 or 21
// call on a chromosome whose null SD was estimated with df degrees of
// freedom: the TrisomySpecificity quantile of Student's t with df degrees
// of freedom (the normal quantile when df ≤ 0 or infinite: a known SD).
// A z computed with an estimated SD has that predictive distribution
// under the null, so the threshold keeps the specificity whatever the
// size of the reference; with the normal quantile, the error of an SD
// from 80 samples (about ±8%) raises the false-positive rate of the
// chromosomes whose SD came out low — the null cohort's per-chromosome z
// SDs spread over 0.85–1.18 (docs/method.md §9).
func (c Config) TrisomyThreshold(df float64) float64 {
	return stats.StudentTQuantile(c.TrisomySpecificity, df)
}

// RATThreshold returns the z threshold of rare autosomal trisomies on a
// chromosome whose null SD has df degrees of freedom: RATZThreshold, or
// the Bonferroni bound — the 1 − (1 − TrisomySpecificity)/19 quantile of
// the same t — so that a sample screened on all 19 rare autosomes has the
// false-positive probability of one common trisomy (3.88 with a known SD,
// 4.08 with 80 references).
func (c Config) RATThreshold(df float64) float64 {
	if c.RATZThreshold > 0 {
		return c.RATZThreshold
	}
	return stats.StudentTQuantile(1-(1-c.TrisomySpecificity)/rareAutosomes, df)
}
