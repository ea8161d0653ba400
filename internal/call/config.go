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

	// ZThreshold: chromosome z-score at or above which a trisomy is high
	// risk.
	ZThreshold float64 `toml:"z_threshold"`
	// RATZThreshold: z threshold for the rare autosomal trisomies (every
	// autosome but 13, 18, 21); 0 selects the Bonferroni bound that gives
	// the 19 chromosomes together the false-positive rate ZThreshold gives
	// one (RATThreshold).
	RATZThreshold float64 `toml:"rat_z_threshold"`
	// LowRiskLog10LR: a trisomy is low risk only when log10 of the
	// likelihood ratio of a full trisomy (at the sample's fetal fraction,
	// integrated over its uncertainty) versus euploidy is at most this
	// value. −2 (100:1 for euploidy) bounds the share of trisomies called
	// low risk by 1% when the models are calibrated (Royall 2000: the
	// probability of evidence LR ≥ k against the truth is at most 1/k).
	LowRiskLog10LR float64 `toml:"low_risk_log10_lr"`
	// MinFF: no low-risk call below this fetal-fraction estimate (nor
	// below the estimate's own detection limit, 3.29 SE).
	MinFF float64 `toml:"min_ff"`
	// DetectionPower: when > 0, a "low risk" call also requires that a
	// trisomy at the sample's fetal fraction would reach ZThreshold with at
	// least this probability (the pre-data power rule; 0 = off).
	DetectionPower float64 `toml:"detection_power"`
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
}

func f(v float64) *float64 { return &v }

// DefaultConfig returns the documented defaults (docs/qc.md).
func DefaultConfig() Config {
	return Config{
		Reads:          Threshold{Warn: f(2_000_000), Fail: f(500_000)},
		DuplicateRate:  Threshold{Warn: f(0.2), Fail: f(0.5)},
		GCBias:         Threshold{Warn: f(0.585), Fail: f(1.585)},
		MAPD:           Threshold{Warn: f(1.5), Fail: f(2.5)},
		FetalFraction:  Threshold{Warn: f(0.04), Fail: f(0.02)},
		ChromDosage:    Threshold{Fail: f(0.322)}, // log2(1.25)
		ZThreshold:     3,
		LowRiskLog10LR: -2,
		// 4%: the fetal-fraction floor of the clinical validation studies
		// (e.g. Norton et al. 2015, N Engl J Med 372:1589, excluded
		// samples below it) and of most laboratories (ACMG 2016), so
		// screening performance below it is not established; the
		// fetal-fraction models are also trained on references that
		// rarely lie below it.
		MinFF:        0.04,
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
		CNVFalseCalls:      0.05,
		// The scan's own 5%: with segmentation's, at most 0.1 spurious
		// calls per sample, the screening target for genome-wide CNVs.
		CNVScanFalseCalls: 0.05,
		OriginPosterior:   0.99,
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
	case c.RATZThreshold < 0:
		return fmt.Errorf("rat_z_threshold must not be negative, got %g", c.RATZThreshold)
	case !(c.CNVFalseCalls > 0 && c.CNVFalseCalls < 1):
		return fmt.Errorf("cnv_false_calls must lie in (0, 1), got %g", c.CNVFalseCalls)
	case !(c.CNVScanFalseCalls >= 0 && c.CNVScanFalseCalls < 1):
		return fmt.Errorf("cnv_scan_false_calls must lie in [0, 1), got %g", c.CNVScanFalseCalls)
	}
	for _, nt := range []struct {
		name string
		t    Threshold
	}{{"reads", c.Reads}, {"duplicate_rate", c.DuplicateRate}, {"gc_bias", c.GCBias}, {"mapd", c.MAPD}, {"fetal_fraction", c.FetalFraction}, {"chrom_dosage", c.ChromDosage}} {
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

// rareAutosomes is the number of autosomes screened for rare trisomies.
const rareAutosomes = 19

// RATThreshold returns the z threshold of rare autosomal trisomies:
// RATZThreshold, or the Bonferroni bound Φ⁻¹(1 − (1 − Φ(ZThreshold))/19),
// so that a sample screened on all 19 rare autosomes has the same
// false-positive probability as on chr21 alone (z = 3 gives 3.80).
func (c Config) RATThreshold() float64 {
	if c.RATZThreshold > 0 {
		return c.RATZThreshold
	}
	return stats.NormalQuantile(1 - stats.NormalSF(c.ZThreshold)/rareAutosomes)
}
