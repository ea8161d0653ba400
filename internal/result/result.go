// Package result defines the analysis result of one sample: the typed record
// that nipt analyze produces and every report, file and API answer is made
// from. Its JSON form (result.json) is specified by docs/result.schema.json.
//
// A Result as computed holds everything the engine knows, including fetal-sex
// information. It must pass through the disclosure policy (package
// disclosure) before anything derived from it is shown or written.
package result

import "slices"

// SchemaVersion is the version of the result.json schema.
const SchemaVersion = "1.1.0"

// Pregnancy types (Result.Pregnancy; the sample sheet's pregnancy column).
// A twin pregnancy is called per fetus at half the fetal fraction; the
// twins of a monochorionic one share one karyotype and are called as a
// singleton.
const (
	PregnancySingleton     = "singleton"
	PregnancyTwin          = "twin"
	PregnancyMonochorionic = "twin_monochorionic"
)

// Call is a screening outcome for one condition.
type Call string

// Screening outcomes.
const (
	HighRisk Call = "high_risk"
	LowRisk  Call = "low_risk"
	NoCall   Call = "no_call"
)

// QCStatus is the overall quality verdict of a sample.
type QCStatus string

// QC verdicts.
const (
	QCPass QCStatus = "pass"
	QCWarn QCStatus = "warn"
	QCFail QCStatus = "fail"
)

// Result is the analysis of one sample.
type Result struct {
	SchemaVersion string `json:"schema_version"`
	Sample        string `json:"sample"` // pseudonymous lab sample ID
	// Runs are the sequencing runs the sample was read in, from its counts
	// file (counts.Header.Runs); absent when unknown.
	Runs          []string      `json:"runs,omitempty"`
	Tool          Tool          `json:"tool"`
	Reference     Reference     `json:"reference"`
	QC            QC            `json:"qc"`
	FetalFraction FetalFraction `json:"fetal_fraction"`
	// Pregnancy is PregnancySingleton, PregnancyTwin or
	// PregnancyMonochorionic (the sample sheet; singleton when not given).
	// Empty in results written before schema 1.1.0.
	Pregnancy string `json:"pregnancy,omitempty"`
	// FetalSex is "female", "male" or "unknown". Sensitive: removed by the
	// disclosure policy unless the lab may report it.
	FetalSex     string       `json:"fetal_sex,omitempty"`
	Chromosomes  []Chromosome `json:"chromosomes"`
	Aneuploidies []Finding    `json:"aneuploidies"` // T13, T18, T21 and rare autosomal trisomies
	SCA          SCA          `json:"sex_chromosomes"`
	CNVs         []CNV        `json:"cnvs"`
	// AberrantAutosomes are the autosomes with a chromosome-scale change
	// or a reported CNV (AberrantAutosomes; QC metric aberrant_autosomes):
	// more than two point to the mother or the sample, not the fetus.
	AberrantAutosomes []string  `json:"aberrant_autosomes"`
	Segments          []Segment `json:"segments"`
	// Bins are the per-bin normalised values, written to separate files
	// (bedGraph, bins TSV), not to result.json.
	Bins []Bin `json:"-"`
	// Disclosure records which policy produced this view of the result.
	Disclosure *Disclosure `json:"disclosure,omitempty"`
	// SexBlindAnalysis: the engine computed the fetal fraction, every call,
	// no-call decision and QC verdict without sex-chromosome information
	// (set by the engine; not written). disclosure.Apply refuses a result
	// without it under a policy that may not disclose fetal sex, for every
	// fetus alike.
	SexBlindAnalysis bool `json:"-"`
}

// Tool identifies the software.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Reference identifies the reference cohort used.
type Reference struct {
	ID      string `json:"id"` // content hash of the reference file
	Samples int    `json:"samples"`
	Build   string `json:"build"`
	BinSize int    `json:"bin_size"`
}

// QC is the sample quality verdict and the metrics behind it.
type QC struct {
	Status  QCStatus `json:"status"`
	Reasons []string `json:"reasons"` // why warn/fail; empty on pass
	Metrics []Metric `json:"metrics"`
}

// Metric is one QC measurement with the thresholds it was judged by.
type Metric struct {
	Name   string   `json:"name"` // e.g. "reads", "duplicate_rate", "mapd", "gc_bias", "fetal_fraction"
	Value  float64  `json:"value"`
	Warn   *float64 `json:"warn,omitempty"`
	Fail   *float64 `json:"fail,omitempty"`
	Status QCStatus `json:"status"`
}

// FetalFraction is the combined estimate with its interval and the estimates
// of the individual methods.
type FetalFraction struct {
	Value   float64      `json:"value"` // fraction, e.g. 0.08 for 8%
	Low     float64      `json:"low"`   // lower bound of the 95% interval
	High    float64      `json:"high"`
	Methods []FFEstimate `json:"methods"`
	// Unknown is true when no method measured the fetal fraction; Value,
	// Low and High are then 0 and mean nothing (the QC reason says why).
	Unknown bool `json:"unknown,omitempty"`
}

// Known reports whether a fetal fraction was measured.
func (f FetalFraction) Known() bool { return !f.Unknown }

// FFEstimate is one method's fetal-fraction estimate. Method names: "chrY"
// (male fetuses only; sensitive), "fragment_size", "bin_profile", "chrX".
type FFEstimate struct {
	Method string  `json:"method"`
	Value  float64 `json:"value"`
	Low    float64 `json:"low"`
	High   float64 `json:"high"`
	Used   bool    `json:"used"` // contributed to the combined estimate
}

// Chromosome holds the normalised dosage of one chromosome.
type Chromosome struct {
	Chrom string  `json:"chrom"`
	Reads int64   `json:"reads"`
	Ratio float64 `json:"ratio"` // normalised dosage relative to the reference (1 = as expected)
	Z     float64 `json:"z"`     // primary z-score
	// ZMethods holds the z-score of every method, e.g. "reference_bins", "ncv", "regression".
	ZMethods map[string]float64 `json:"z_methods"`
	// BatchOffset is the log2 dosage shift removed from this chromosome
	// by the batch correction (batch_offsets = "correct"): Ratio and Z
	// are after it, so the sample's own ratio is Ratio·2^BatchOffset.
	BatchOffset float64 `json:"batch_offset,omitempty"`
}

// Finding is the screening result for one autosomal condition.
type Finding struct {
	Condition string  `json:"condition"` // "T21", "T18", "T13", or "T<n>" for rare autosomal trisomies
	Chrom     string  `json:"chrom"`
	Call      Call    `json:"call"`
	Z         float64 `json:"z"`
	// LogLR is log10 of the likelihood ratio of trisomy versus euploidy given
	// the estimated fetal fraction and the reference noise.
	LogLR float64 `json:"log10_lr"`
	// ResidualRisk is the probability of the trisomy after the test: the
	// condition's prevalence updated by the likelihood ratio (Bayes' rule);
	// a low_risk call requires it to be at most the configured
	// low_risk_residual.
	ResidualRisk float64 `json:"residual_risk"`
	// FFImplied is the fetal fraction a full trisomy would need to explain the
	// observed dosage (2 × (ratio − 1)).
	FFImplied float64 `json:"ff_implied"`
	Mosaic    bool    `json:"possible_mosaic"` // effect clearly below what the FF predicts
	// PossibleMaternal: a high-risk effect clearly above what a fetal
	// trisomy at the fetal fraction's upper 95% bound gives (maternal
	// mosaicism, a maternal CNV, a maternal malignancy, or a missed fetal
	// fraction); maternal investigation is suggested.
	PossibleMaternal bool `json:"possible_maternal,omitempty"`
	MaternalCNV      bool `json:"maternal_cnv"` // dosage explained by a maternal CNV on the chromosome
	// PDetect is the probability that a full trisomy at this sample's fetal
	// fraction (integrated over its uncertainty) would reach the call
	// threshold; a low_risk call requires it to reach the configured power.
	PDetect float64 `json:"p_detect"`
	// ZThreshold is the z at or above which the trisomy is called high
	// risk: the trisomy_specificity quantile of the chromosome's predictive
	// null (Student's t for the reference's size; rare autosomes: the
	// Bonferroni bound over 19); 0 in results written before it was
	// recorded.
	ZThreshold float64 `json:"z_threshold,omitempty"`
	// Method names the z-score method behind Z (see Chromosome.ZMethods).
	Method       string `json:"method,omitempty"`
	NoCallReason string `json:"no_call_reason,omitempty"`
}

// SCA is the sex-chromosome result. Type is sensitive: under some disclosure
// policies only Call is shown.
//
// Every field is omitempty: the disclosure policy removes the z-scores when
// they could reveal fetal sex, and the whole section when the lab does not
// screen sex chromosomes.
type SCA struct {
	Call Call    `json:"call,omitempty"`
	Type string  `json:"type,omitempty"` // "45,X", "47,XXY", "47,XXX", "47,XYY"
	ZX   float64 `json:"z_x,omitempty"`  // sensitive: differs by fetal sex
	ZY   float64 `json:"z_y,omitempty"`  // sensitive
	// PossibleMaternal: the chrX change of a 45,X or 47,XXX call is
	// clearly larger than a fetal one at the fetal fraction's upper 95%
	// bound; maternal sex-chromosome mosaicism is the likelier cause. It
	// names an X-only type, so it is withheld wherever the type is.
	PossibleMaternal bool   `json:"possible_maternal,omitempty"`
	NoCallReason     string `json:"no_call_reason,omitempty"`
}

// CNV is a called copy-number change.
type CNV struct {
	Chrom      string  `json:"chrom"`
	Start      int     `json:"start"`       // 0-based
	End        int     `json:"end"`         // exclusive
	Type       string  `json:"type"`        // "gain" or "loss"
	Origin     string  `json:"origin"`      // "fetal", "maternal" or "uncertain"
	CopyNumber float64 `json:"copy_number"` // estimated copy number of the affected genome (fetal or maternal)
	Ratio      float64 `json:"ratio"`
	Z          float64 `json:"z"`
	Bins       int     `json:"bins"`
}

// Segment is a stretch of bins with constant estimated dosage.
type Segment struct {
	Chrom string  `json:"chrom"`
	Start int     `json:"start"`
	End   int     `json:"end"`
	Bins  int     `json:"bins"`
	Ratio float64 `json:"ratio"`
	Z     float64 `json:"z"`
}

// Bin is the normalised value of one analysis bin.
type Bin struct {
	Chrom  string  `json:"chrom"`
	Start  int     `json:"start"`
	End    int     `json:"end"`
	Ratio  float64 `json:"ratio"` // NaN for masked bins
	Z      float64 `json:"z"`
	Masked bool    `json:"masked"`
}

// Carries reports whether the view holds results for the screened
// condition c (disclosure.AllConditions' names); a result without a record
// of its conditions (the engine's raw result, or a view written before the
// record existed) holds all of them.
func (r *Result) Carries(c string) bool {
	d := r.Disclosure
	return d == nil || d.Conditions == nil || slices.Contains(d.Conditions, c)
}

// Disclosure records the policy applied to a result view.
// Its JSON keys avoid the string "fetal_sex" so that a redacted view contains
// no such key at all.
type Disclosure struct {
	Profile                 string `json:"profile"`
	FetalSex                string `json:"sex_policy"` // never, medical_indication, on_request
	SexChromosomeAneuploidy string `json:"sca_policy"` // off, report_presence, report_type
	FetalSexDisclosed       bool   `json:"sex_disclosed"`
	// SexBlind: the view carries no sex-dependent information (no fetal sex,
	// no chrX/chrY chromosome rows, bins, segments or CNVs, no zX/zY, no
	// sex-chromosome fetal-fraction methods).
	SexBlind bool `json:"sex_blind"`
	// SCAZRemoved: SCA.ZX and SCA.ZY were removed (write "NA" for them).
	SCAZRemoved bool `json:"sca_z_removed"`
	// Conditions are the screened conditions this view carries results for
	// (disclosure.AllConditions order): those of the profile that made it,
	// minus any an earlier view had already dropped. A report for a
	// condition not listed must say "not analysed", never "low risk".
	// Absent in views written before the field existed.
	Conditions []string `json:"conditions,omitempty"`
}
