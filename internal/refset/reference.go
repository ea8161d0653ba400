package refset

import (
	"math"
	"sync"

	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/fetalfraction"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/normalize"
)

// Chromosome-level z-score methods.
const (
	// MethodPCA: inverse-variance weighted mean of the bins' normalised log
	// ratios after PCA noise removal.
	MethodPCA = "pca"
	// MethodRefBins: as MethodPCA, each bin first divided by the mean of its
	// within-sample reference bins (WisecondorX).
	MethodRefBins = "reference_bins"
	// MethodNCV: normalised chromosome value (Sehnert et al. 2011, Clin Chem
	// 57:1042): the chromosome's GC-corrected read share over an optimised
	// set of denominator chromosomes, without PCA.
	MethodNCV = "ncv"
)

// Methods lists the chromosome methods in output order.
var Methods = []string{MethodPCA, MethodRefBins, MethodNCV}

// Sex codes of reference samples. They are stored only in the binary part
// of the reference file and never printed per sample.
const (
	SexUnknown uint8 = iota
	SexFemale
	SexMale
)

// Null is the distribution of a chromosome statistic among the euploid
// reference samples (cross-validated where the statistic is learned).
type Null struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
	N    int     `json:"n"`
	// Retention is the fraction of a whole-chromosome dosage change that
	// survives normalisation (PCA can absorb a small part of it).
	Retention float64 `json:"retention"`
	// Poisson is the SD the statistic would have from read sampling alone,
	// at the median reference depth (0: not computed).
	Poisson float64 `json:"poisson"`
	// CVSD is the chromosome's own cross-validated SD before the
	// empirical-Bayes pooling across autosomes (shrinkNulls) made SD; 0
	// when SD is that own estimate (chrX, references before the pooling).
	CVSD float64 `json:"cv_sd,omitempty"`
}

// ChromModel holds the chromosome-level models of one chromosome.
type ChromModel struct {
	Chrom string `json:"chrom"`
	// Nulls per method (MethodPCA, MethodRefBins, MethodNCV; chrX: MethodPCA
	// only, from female-fetus references).
	Nulls map[string]Null `json:"nulls"`
	// Primary is the method with the largest expected z-score for a
	// trisomy (smallest SD/Retention) on this reference.
	Primary string `json:"primary"`
	// Denominator lists the chromosome indices of the NCV denominator.
	Denominator []int `json:"ncv_denominator,omitempty"`
	// Bins is the number of unmasked bins.
	Bins int `json:"bins"`
}

// SampleProfile is one processed reference sample: everything the reference
// needs from its counts, so that a reference can grow (nipt reference add)
// without the original counts files.
type SampleProfile struct {
	ID     string `json:"id"`
	Reads  int64  `json:"reads"`
	Paired bool   `json:"paired"`
	// Runs are the sequencing runs the sample was read in (its counts
	// header's; absent when unknown).
	Runs []string `json:"runs,omitempty"`
	// The floating-point scalars below live in the binary section
	// "samples.stats" (JSON cannot hold NaN).
	DuplicateRate float64 `json:"-"`
	// ShortFraction is the share of autosomal fragments shorter than the
	// short-fragment cut-off (NaN for single-end data).
	ShortFraction float64 `json:"-"`
	GCBias        float64 `json:"-"`
	// SizeProfile is the fragment-size profile of the sample's kept
	// fragments (fetalfraction.SizeProfile of the counts header's
	// histogram; nil for single-end data or a histogram-less counts file).
	SizeProfile []float64 `json:"size_profile,omitempty"`
	// SizeProfileAutosomes is the same profile of the fragments of
	// chr1–22 only (the header's fragment_histogram_autosomes; nil for
	// counts files written before it existed). Unlike SizeProfile it does
	// not depend on the fetal sex: a female fetus adds fetal fragments to
	// chrX, a male one to chrY.
	SizeProfileAutosomes []float64 `json:"size_profile_autosomes,omitempty"`
	// Noise is the sample's MAPD over its Poisson expectation.
	Noise float64 `json:"-"`
	// ChromReads and UsedReads are the reads per chromosome in all bins and
	// in the bins the annotation keeps.
	ChromReads [genome.NumChroms]int64 `json:"chrom_reads"`
	UsedReads  [genome.NumChroms]int64 `json:"used_reads"`
	// Rel is the GC-corrected relative coverage per analysis bin (NaN for
	// bins masked by the annotation), stored at float32 precision.
	Rel []float32 `json:"-"`
	// Filters are the read filters the sample was counted with.
	Filters *counts.Filters `json:"filters,omitempty"`
	// BinReads and BinShort are the read and short-fragment counts per
	// analysis bin (paired-end samples; nil for single-end ones), which
	// the short-fragment model (ShortModel) is fitted from.
	BinReads []uint32 `json:"-"`
	BinShort []uint32 `json:"-"`
}

// SampleStatus is the build's verdict on one reference sample.
type SampleStatus struct {
	Used   bool   `json:"used"`
	Reason string `json:"reason,omitempty"` // why excluded
	Sex    uint8  `json:"-"`                // stored in binary only
}

// ProfileFF is the bin-profile fetal-fraction model.
type ProfileFF struct {
	// Source is "raw" (GC-corrected log ratios) or "pca" (after PCA).
	Source string `json:"source"`
	// Window is the number of consecutive usable bins averaged into one
	// feature.
	Window int                 `json:"window"`
	Ridge  fetalfraction.Ridge `json:"ridge"`
}

// SizeFF is the fragment-size fetal-fraction model: a ridge regression on
// the short-fragment share alone ("short_fraction") or on the whole
// fragment-size profile in 10-bp ("size_profile") or 20-bp classes
// ("size_profile_20bp"), whichever predicts best in leave-one-out
// cross-validation.
type SizeFF struct {
	Source string              `json:"source"`
	Ridge  fetalfraction.Ridge `json:"ridge"`
	// Autosomal: the model was trained on the autosomal size profiles
	// (SampleProfile.SizeProfileAutosomes), which do not depend on the
	// fetal sex; false for references built from counts files without
	// them, whose model uses the all-chromosome profile.
	Autosomal bool `json:"autosomal,omitempty"`
	// SexBias is the relative bias an all-chromosome size profile can
	// carry with fetal sex: it covers chrX and chrY too, where a female
	// fetus adds half of chrX's read share more fetal DNA than the male
	// fetuses the model is trained on. Analysis adds SexBias·f to the SE in
	// quadrature whenever the all-chromosome profile is used (a
	// non-autosomal model, or a sample without an autosomal histogram); 0
	// for "short_fraction", which counts autosomes only.
	SexBias float64 `json:"sex_bias"`
	// Coef holds the ridge coefficients (Ridge.Beta is not serialised; a
	// few values fit the JSON part of the file).
	Coef []float64 `json:"coefficients"`
	// Leverage gives the prediction-variance growth of atypical samples.
	Leverage *fetalfraction.Leverage `json:"leverage,omitempty"`
}

// Profile returns the size profile of p that the model takes and the
// relative sex bias its estimate then carries (SexBias·f enters the SE):
// the autosomal profile, without bias, for an autosomal model and a sample
// that has it; otherwise the all-chromosome profile with SexBias (a
// fallback for counts files written before the autosomal histogram
// existed, whose estimate keeps the old, small sex dependence).
func (m *SizeFF) Profile(p *SampleProfile) ([]float64, float64) {
	if m.Source == "short_fraction" {
		return p.SizeProfile, 0
	}
	if m.Autosomal && len(p.SizeProfileAutosomes) == fetalfraction.NumSizeClasses {
		return p.SizeProfileAutosomes, 0
	}
	return p.SizeProfile, m.SexBias
}

// SEFactor is the factor by which a sample's prediction error differs
// from the cross-validated one (fetalfraction.Leverage.Factor; 1 without a
// leverage model).
func (m *SizeFF) SEFactor(short float64, profile []float64) float64 {
	if m.Leverage == nil {
		return 1
	}
	return m.Leverage.Factor(m.features(short, profile))
}

// features returns the model's feature vector for a sample.
func (m *SizeFF) features(short float64, profile []float64) []float64 {
	switch m.Source {
	case "short_fraction":
		return []float64{short}
	case "size_profile_20bp":
		return fetalfraction.CoarseSizeProfile(profile)
	}
	return profile
}

// Predict returns the model's fetal fraction for a sample's short-fragment
// share and size profile (NaN when the chosen features are missing).
func (m *SizeFF) Predict(short float64, profile []float64) float64 {
	x := m.features(short, profile)
	if len(x) != len(m.Coef) {
		return math.NaN()
	}
	v := m.Ridge.Intercept
	for j, b := range m.Coef {
		v += b * x[j]
	}
	return v
}

// FFModels holds the fetal-fraction models trained on the reference.
type FFModels struct {
	Y        fetalfraction.YModel  `json:"chrY"`
	Profile  *ProfileFF            `json:"bin_profile,omitempty"`
	Fragment *fetalfraction.Linear `json:"fragment_size,omitempty"`
	// Size supersedes Fragment when present (references built from counts
	// with a fragment-size histogram).
	Size *SizeFF `json:"fragment_profile,omitempty"`
	// Corr is the correlation of the calibrated cross-validation errors
	// (prediction − A − B·target, fetalfraction.Calibration) of the
	// bin-profile and fragment-size estimates (Size when present, else
	// Fragment; 0 when either is missing). Each model's measurement model
	// is its Ridge.Cal (Fragment.Cal).
	Corr float64 `json:"corr"`
	// XSD is the SD of the chrX log2 dosage among female references, for
	// the chrX estimate of male fetuses.
	Note string `json:"note,omitempty"`
}

// Meta is the JSON part of a reference: identification, options and
// scalar results.
type Meta struct {
	Format        string `json:"format"`
	FormatVersion int    `json:"format_version"`
	Tool          string `json:"tool"`
	Build         string `json:"build"`
	BinSize       int    `json:"bin_size"`
	Annotation    string `json:"annotation"`
	// FineBinSize is the counted bin size of fine correction
	// (Options.FineCorrection; 0 without).
	FineBinSize int          `json:"fine_bin_size,omitempty"`
	Options     Options      `json:"options"`
	Components  int          `json:"components"`
	CVCurve     []float64    `json:"component_cv"`
	Eigenvalues []float64    `json:"eigenvalues"`
	Iterations  int          `json:"iterations"`
	Chroms      []ChromModel `json:"chromosomes"`
	FF          FFModels     `json:"fetal_fraction"`
	XComponents int          `json:"x_components"`
	// Depth is the median autosomal reads (in annotation-kept bins) of the
	// used samples and Noise their median noise ratio: the conditions under
	// which the null SDs hold. Analysis rescales the Poisson part of every
	// SD to a test sample's own depth and noise.
	Depth float64 `json:"depth"`
	// KappaSizes and KappaValues: noise inflation of segments of n usable
	// bins (Reference.Kappa).
	KappaSizes  []int     `json:"kappa_sizes"`
	KappaValues []float64 `json:"kappa"`
	Noise       float64   `json:"noise"`
	// Filters are the read filters every reference sample was counted
	// with; test samples must match them (CheckFilters).
	Filters *counts.Filters `json:"count_filters,omitempty"`
	// Short is the short-fragment model of the fetal-CNV scan (nil without
	// enough paired-end references).
	Short *ShortModel `json:"short_fragments,omitempty"`
	// SexBatchP is the permutation p-value of the test that the male- and
	// female-fetus references have the same autosomal coverage (fitState.
	// sexConfounding; nil with fewer than 10 of either sex). A small value
	// means fetal sex is confounded with sequencing batch.
	SexBatchP *float64        `json:"sex_batch_p,omitempty"`
	Warnings  []string        `json:"warnings"`
	Samples   []SampleProfile `json:"samples"`
	Status    []SampleStatus  `json:"status"`
}

// Reference is a built reference cohort: the static genome description,
// the normalisation and noise models, the chromosome null distributions,
// the fetal-fraction models and the processed reference samples.
type Reference struct {
	Meta
	Layout *genome.Layout
	Static *Static
	// Mask is the final reason code per bin (normalize.Mask*).
	Mask []uint8
	// Median is the reference expectation of Rel per bin (female-fetus
	// references on chrX, male-fetus references on chrY).
	Median []float64
	// Auto lists the autosomal bins modelled (global indices), in order.
	Auto []int32
	PCA  *normalize.PCA
	// Sigma is the residual SD of each bin's log2 ratio (global index; NaN
	// where not modelled).
	Sigma []float64
	// RefBins[a] lists positions in Auto of the reference bins of Auto[a];
	// RBSigma[a] is the SD of Auto[a]'s reference-bin-normalised value.
	RefBins [][]int32
	RBSigma []float64
	// X model (female-fetus references): bins, mean log ratio, regression
	// on the autosomal component scores (XBeta[k][i]), residual SD.
	XBins  []int32
	XMean  []float64
	XBeta  [][]float64
	XSigma []float64
	// YBins are the male-specific chrY bins.
	YBins []int32
	ID    string // hex SHA-256 of the model payload (set when written or read)

	groupOnce sync.Once
	group     *normalize.GroupModel
	autoChrom []int
	// samplesOmitted: read by ReadModelFile, without the samples'
	// stored profiles and counts; such a reference is not written or
	// grown.
	samplesOmitted bool
}

// groupModel returns the leave-one-chromosome-out model of the PCA.
func (r *Reference) groupModel() (*normalize.GroupModel, []int) {
	r.groupOnce.Do(func() {
		r.autoChrom = make([]int, len(r.Auto))
		for a, j := range r.Auto {
			r.autoChrom[a], _, _ = r.Layout.Locate(int(j))
		}
		r.group = normalize.NewGroupModel(r.PCA.Basis(), r.autoChrom, genome.ChrX)
	})
	return r.group, r.autoChrom
}
