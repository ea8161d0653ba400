package evaluate

// Report is the outcome of an evaluation: what evaluation.json holds and
// what the text table and plots are made from. Field meanings are defined
// in docs/evaluation.md.
type Report struct {
	Tool       string            `json:"tool"`
	Inputs     []InputFile       `json:"inputs,omitempty"`
	Settings   Settings          `json:"settings"`
	Samples    SampleCounts      `json:"samples"`
	Conditions []ConditionResult `json:"conditions"`
	SCATypes   *SCATable         `json:"sca_types,omitempty"`
	ROC        []ROCResult       `json:"roc"`
	// ZCalibration is each scored chromosome's z over the samples without
	// a change of it, against the standard normal the calls assume.
	ZCalibration []ZCalibration `json:"z_calibration"`
	FF           FFResult       `json:"fetal_fraction"`
	CNV          CNVResult      `json:"cnv"`
	Pattern      PatternResult  `json:"maternal_pattern"`
	NoCall       NoCallResult   `json:"no_call"`
	Safety       SafetyResult   `json:"safety_maternal_cnv"`
	Discordant   []Discordance  `json:"discordant"`
	// ByRun splits the test samples by truth batch (sequencing run);
	// absent with fewer than two.
	ByRun    []RunResult `json:"by_run,omitempty"`
	Warnings []string    `json:"warnings"`

	joined []*joined // per-sample data for the plots
}

// InputFile identifies an input by name and content.
type InputFile struct {
	Role   string `json:"role"` // "truth" or "summary"
	Name   string `json:"name"` // base name
	SHA256 string `json:"sha256"`
}

// Settings records how the numbers were computed.
type Settings struct {
	CI         CIMethod `json:"ci_method"`
	Confidence Float    `json:"confidence"`
	MinOverlap Float    `json:"cnv_min_reciprocal_overlap"`
	MinFF      Float    `json:"min_ff"` // threshold of ConditionResult.AtMinFF (negative: off)
	FFBins     []FFBin  `json:"ff_bins"`
	// CNVChromosomes is "autosomes" or "all".
	CNVChromosomes string `json:"cnv_chromosomes"`
	NoCallRule     string `json:"no_call_rule"`
}

// FFBin is a fetal-fraction interval [Low, High).
type FFBin struct {
	Label string `json:"label"`
	Low   Float  `json:"low"`
	High  Float  `json:"high"` // null for the unknown-FF bin
}

// SampleCounts describes the join of truth and summary.
type SampleCounts struct {
	TestInTruth        int      `json:"test_in_truth"`
	ReferenceInTruth   int      `json:"reference_in_truth"`
	SummaryRows        int      `json:"summary_rows"`
	ReferenceInSummary int      `json:"reference_in_summary_ignored"`
	MissingFromSummary []string `json:"missing_from_summary"`
	NotInTruth         []string `json:"not_in_truth_ignored"`
	QCFail             int      `json:"qc_fail"`
	Twins              int      `json:"twin_pregnancies"`
}

// Counts is a 2×2 table with the no-calls beside it. Positives and
// Negatives count truth-positive and truth-negative samples whose call was
// reported (a result or a no-call); NotReported samples had no value.
type Counts struct {
	Positives      int `json:"positives"`
	TP             int `json:"tp"`
	FN             int `json:"fn"`
	NoCallPositive int `json:"no_call_positive"`
	Negatives      int `json:"negatives"`
	TN             int `json:"tn"`
	FP             int `json:"fp"`
	NoCallNegative int `json:"no_call_negative"`
	NotReported    int `json:"not_reported"`
}

// ConditionResult is the screening performance for one condition.
// Sensitivity = TP/(TP+FN), specificity = TN/(TN+FP): no-calls excluded.
type ConditionResult struct {
	Condition          string `json:"condition"`
	Definition         string `json:"definition"`
	Evaluated          bool   `json:"evaluated"`
	NotEvaluatedReason string `json:"not_evaluated_reason,omitempty"`
	// SensitivityOnly rows have no negatives by construction.
	SensitivityOnly bool `json:"sensitivity_only,omitempty"`
	Counts
	Sensitivity Proportion     `json:"sensitivity"`
	Specificity Proportion     `json:"specificity"`
	ByFF        []ConditionBin `json:"by_ff"`
	// AtMinFF scores the samples whose true FF (effective FF for mosaics)
	// is at least Settings.MinFF; nil when that is off.
	AtMinFF *ConditionBin `json:"at_min_ff,omitempty"`
}

// ConditionBin is a condition's performance within one fetal-fraction bin.
type ConditionBin struct {
	Bin FFBin `json:"bin"`
	Counts
	Sensitivity Proportion `json:"sensitivity"`
	Specificity Proportion `json:"specificity"`
}

// SCATable cross-tabulates true and called sex-chromosome karyotypes.
// Mode is "type" when the summary names SCA types, "presence" when it only
// says high/low risk. Counts[i][j] is the number of samples with true
// karyotype Truth[i] and call Called[j].
type SCATable struct {
	Mode   string   `json:"mode"`
	Truth  []string `json:"truth"`
	Called []string `json:"called"`
	Counts [][]int  `json:"counts"`
}

// ROCResult is the ROC curve of one condition.
type ROCResult struct {
	Condition string     `json:"condition"`
	Score     string     `json:"score"`
	Positives int        `json:"positives"`
	Negatives int        `json:"negatives"`
	AUC       Float      `json:"auc"`
	Points    []ROCPoint `json:"points"`
}

// FFResult is the accuracy of the fetal-fraction estimate.
type FFResult struct {
	Evaluated          bool    `json:"evaluated"`
	NotEvaluatedReason string  `json:"not_evaluated_reason,omitempty"`
	ExcludedTwins      int     `json:"excluded_twins"`
	All                FFStats `json:"all"`
	// ByFetalSex is sex-dependent: a disclosure layer must remove it
	// wherever fetal sex may not be shown.
	ByFetalSex FFBySex `json:"by_fetal_sex"`
	// ByFF holds the accuracy by true fetal-fraction bin (Options.FFBins;
	// empty bins left out): bias and interval coverage must hold at low
	// fractions too, not only on average.
	ByFF []FFBinStats `json:"by_true_ff"`
}

// FFBinStats is the FF accuracy of the samples whose true FF falls in Bin.
type FFBinStats struct {
	Bin   FFBin   `json:"bin"`
	Stats FFStats `json:"stats"`
}

// FFBySex holds FF accuracy for female and male fetuses apart.
type FFBySex struct {
	Female FFStats `json:"female"`
	Male   FFStats `json:"male"`
}

// FFStats compares estimated with true FF (both as fractions).
type FFStats struct {
	N        int   `json:"n"`
	PearsonR Float `json:"pearson_r"`
	MAE      Float `json:"mae"`
	Bias     Float `json:"bias"`    // mean(estimated − true)
	BiasSD   Float `json:"bias_sd"` // SD of estimated − true
	LoALow   Float `json:"loa_low"` // Bland–Altman limits of agreement
	LoAHigh  Float `json:"loa_high"`
	// IntervalCoverage: samples whose true FF lies in [ff_low, ff_high].
	IntervalCoverage Proportion `json:"interval_coverage"`
	// Slope and Intercept: least-squares line of the estimate on the true
	// FF (calibration: slope 1 and intercept 0 for an unbiased estimate;
	// a slope below 1 is an estimate shrunk towards its mean). NaN below
	// three samples or without spread in the truth.
	Slope     Float `json:"slope"`
	Intercept Float `json:"intercept"`
	// IntervalWidth: mean width of the reported interval.
	IntervalWidth Float `json:"interval_width"`
}

// CNVResult is the CNV detection performance.
type CNVResult struct {
	Evaluated          bool         `json:"evaluated"`
	NotEvaluatedReason string       `json:"not_evaluated_reason,omitempty"`
	Samples            int          `json:"samples"`
	NoResultSamples    int          `json:"no_result_samples"` // QC fail, missing, or cnvs NA
	TrueInNoResult     int          `json:"true_cnvs_in_no_result_samples"`
	Recall             Proportion   `json:"recall"`
	RecallHeadline     GroupShare   `json:"recall_headline"` // ≥ Options.CNVMinSize at FF ≥ Options.CNVMinFF
	RecallByOrigin     []GroupShare `json:"recall_by_origin"`
	RecallBySize       []GroupShare `json:"recall_by_size"`
	RecallBySizeFF     []GroupShare `json:"recall_by_size_and_ff"`
	Calls              int          `json:"calls"`
	Matched            int          `json:"matched"`
	Explained          int          `json:"explained_by_aneuploidy"`
	// OnTumour counts calls on a maternal tumour's change (truth origin
	// "tumour"): neither matched nor false.
	OnTumour       int          `json:"calls_on_tumour_changes"`
	PartialOverlap int          `json:"false_calls_overlapping_truth"`
	FalseCalls     Rate         `json:"false_calls"`
	FalseByOrigin  []GroupCount `json:"false_calls_by_origin"`
	FalseBySize    []GroupCount `json:"false_calls_by_size"`
	Origin         OriginResult `json:"origin"`
}

// PatternResult is how often the genome-wide aberration pattern (summary
// column aberrant_autosomes listing more than PatternLimit autosomes: the
// default QC warning of nipt analyze) flags the test samples whose truth
// holds a maternal tumour's changes, and the others.
type PatternResult struct {
	Evaluated          bool       `json:"evaluated"`
	NotEvaluatedReason string     `json:"not_evaluated_reason,omitempty"`
	Limit              int        `json:"limit"`
	Tumour             Proportion `json:"tumour_samples_flagged"`
	Others             Proportion `json:"other_samples_flagged"`
}

// PatternLimit is the number of aberrant autosomes a sample may list
// before it is flagged (nipt analyze's default aberrant_autosomes warn).
const PatternLimit = 2

// GroupShare is a proportion within a labelled group.
type GroupShare struct {
	Group string     `json:"group"`
	FF    string     `json:"ff,omitempty"`
	Share Proportion `json:"share"`
}

// GroupCount is a count within a labelled group.
type GroupCount struct {
	Group string `json:"group"`
	N     int    `json:"n"`
}

// OriginResult is the accuracy of the maternal/fetal origin of matched CNVs.
type OriginResult struct {
	Correct   Proportion `json:"correct"`
	Uncertain int        `json:"uncertain"`
	Truth     []string   `json:"truth"`  // row labels: fetal, maternal
	Called    []string   `json:"called"` // column labels: fetal, maternal, uncertain
	Counts    [][]int    `json:"counts"`
}

// NoCallResult is the sample-level no-call rate.
type NoCallResult struct {
	Definition string       `json:"definition"`
	Overall    Proportion   `json:"overall"`
	ByFF       []GroupShare `json:"by_ff"`
	Reasons    []GroupCount `json:"reasons"`
}

// SafetyResult is the check that maternal CNVs never become trisomy calls.
type SafetyResult struct {
	Definition    string   `json:"definition"`
	Status        string   `json:"status"` // pass, fail, not_tested
	AtRisk        int      `json:"at_risk"`
	Failures      int      `json:"failures"`
	NoCalls       int      `json:"no_calls"`
	FailedSamples []string `json:"failed_samples"`
}

// Discordance is one sample whose call disagrees with the truth.
type Discordance struct {
	Sample    string `json:"sample"`
	Condition string `json:"condition"`
	Kind      string `json:"kind"` // false_negative, false_positive, safety_failure
	TrueFF    Float  `json:"true_ff"`
	Call      string `json:"call"`
}
