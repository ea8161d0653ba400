package simulate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// Params are the model parameters shared by all samples of a simulation.
// docs/simulation.md gives every value's source; Default returns them.
type Params struct {
	// Sequencing and alignment.
	ReadLength int `json:"read_length"` // bp per read (mate); fragments shorter are read whole
	// DupRate is the expected fraction of mapped primary reads (fragments)
	// that are PCR/optical duplicates of another.
	DupRate float64 `json:"dup_rate"`
	// MarkDuplicates flags duplicates with 0x400 (as Picard/samtools markdup
	// would); when false they are present but unflagged.
	MarkDuplicates bool    `json:"mark_duplicates"`
	UnmappedRate   float64 `json:"unmapped_rate"`      // fragments with no alignment (unplaced, at the end)
	QCFailRate     float64 `json:"qcfail_rate"`        // mapped fragments flagged 0x200
	SecondaryRate  float64 `json:"secondary_rate"`     // extra 0x100 records per mapped fragment
	SupplementRate float64 `json:"supplementary_rate"` // extra 0x800 records per mapped fragment
	ChrMRate       float64 `json:"chrM_rate"`          // fragments from mitochondrial DNA
	UnplacedRate   float64 `json:"unplaced_rate"`      // fragments aligned to unplaced/random contigs
	// UniqueMapQ is the MAPQ of uniquely placed reads; NonUniqueMapQ the
	// distribution of MAPQ values of reads placed among repeats (value → prob).
	UniqueMapQ     int          `json:"unique_mapq"`
	NonUniqueMapQ  []MapQWeight `json:"non_unique_mapq"`
	Count          CountFilters `json:"count_filters"`
	GC             GCBias       `json:"gc_bias"`
	Library        FieldParams  `json:"library_bias"`
	Batch          BatchParams  `json:"batch"`
	FetalProfile   FieldParams  `json:"fetal_profile"`
	Overdispersion float64      `json:"overdispersion_cv_100kb"`
	// Blacklist describes artefactual coverage in blacklisted bins
	// (collapsed repeats, satellites): a shared log-scale excess of
	// SharedSD·|N(0,1)| per bin and extra per-sample noise of CV SampleCV
	// at 100 kb.
	Blacklist BlacklistParams `json:"blacklist"`
	// YBackground is the female-sample chrY background from mismapped X
	// reads, as the fetal fraction of a male fetus that would give the same
	// chrY read count before MAPQ filtering; it is spread over chrY bins in
	// proportion to 1 − mappability (X-homologous, repeat-rich bins).
	YBackground float64 `json:"y_background_ff"`
	// SizeShift moves weight between the chromatosome and core components
	// of both fragment models, per batch and per sample (pre-analytics);
	// SizeVariation adds the other between-sample size terms.
	SizeShift     SizeShift     `json:"size_shift"`
	SizeVariation SizeVariation `json:"size_variation"`
	Maternal      FragmentModel `json:"maternal_fragments"`
	Fetal         FragmentModel `json:"fetal_fragments"`
	// Twin2Share is the default share of the fetal fraction from the second
	// fetus of a twin pregnancy.
	Twin2Share float64 `json:"twin2_share"`
}

// MapQWeight is one entry of a MAPQ distribution.
type MapQWeight struct {
	MapQ int     `json:"mapq"`
	P    float64 `json:"p"`
}

// CountFilters mirror the default filters of nipt count, so that counts
// written by the simulator equal what nipt count would count in its BAM.
type CountFilters struct {
	MinMAPQ          int `json:"min_mapq"`
	ShortFragmentMax int `json:"short_fragment_max"`
	MaxFragment      int `json:"max_fragment"`
}

// GCBias is the per-sample GC bias: log density = a·x + b·x² with
// x = (GC − Center)/0.1, a = batch slope + sample slope, b = CurvMean + batch
// curvature + sample curvature, each term Gaussian with the given SD.
type GCBias struct {
	Center        float64 `json:"center"`
	SlopeBatchSD  float64 `json:"slope_batch_sd"`
	SlopeSampleSD float64 `json:"slope_sample_sd"`
	CurvMean      float64 `json:"curv_mean"`
	CurvBatchSD   float64 `json:"curv_batch_sd"`
	CurvSampleSD  float64 `json:"curv_sample_sd"`
}

// FieldParams describe a log-scale random per-bin profile: a smooth
// (AR(1)/Ornstein–Uhlenbeck) component of SD SmoothSD and correlation length
// Length bases, plus independent bin noise of SD NoiseSD at 100 kb scale.
type FieldParams struct {
	SmoothSD float64 `json:"smooth_sd"`
	Length   float64 `json:"length_bp"`
	NoiseSD  float64 `json:"noise_sd_100kb"`
}

// BatchParams: Rank smooth profiles of correlation length Length; each batch
// (sequencing run) has loadings drawn with SD LoadingSD, and shares the
// batch part of the GC curve.
type BatchParams struct {
	Rank      int     `json:"rank"`
	Length    float64 `json:"length_bp"`
	LoadingSD float64 `json:"loading_sd"`
}

// SizeShift: per-batch and per-sample Gaussian shifts (SDs) added to the
// ChromatosomeWeight of both fragment models; a positive shift lengthens the
// fragments.
type SizeShift struct {
	BatchSD  float64 `json:"batch_sd"`
	SampleSD float64 `json:"sample_sd"`
}

// BlacklistParams describe the excess coverage of blacklisted bins.
type BlacklistParams struct {
	SharedSD float64 `json:"shared_sd"`
	SampleCV float64 `json:"sample_cv"`
}

// Default returns the documented default parameters.
func Default() Params {
	return Params{
		ReadLength:     50,
		DupRate:        0.03,
		MarkDuplicates: true,
		UnmappedRate:   0.01,
		QCFailRate:     0.002,
		SecondaryRate:  0.001,
		SupplementRate: 0.005,
		ChrMRate:       0.0005,
		UnplacedRate:   0.002,
		UniqueMapQ:     60,
		NonUniqueMapQ:  []MapQWeight{{0, 0.75}, {1, 0.15}, {3, 0.10}},
		Count:          CountFilters{MinMAPQ: 1, ShortFragmentMax: 150, MaxFragment: 1000},
		GC: GCBias{Center: 0.41, SlopeBatchSD: 0.12, SlopeSampleSD: 0.12,
			CurvMean: -0.04, CurvBatchSD: 0.03, CurvSampleSD: 0.03},
		Library:        FieldParams{SmoothSD: 0.04, Length: 1e6, NoiseSD: 0.04},
		Batch:          BatchParams{Rank: 3, Length: 2e5, LoadingSD: 0.02},
		FetalProfile:   FieldParams{SmoothSD: 0.05, Length: 5e5},
		Overdispersion: 0.03,
		Blacklist:      BlacklistParams{SharedSD: 0.5, SampleCV: 0.2},
		YBackground:    0.01,
		SizeShift:      SizeShift{BatchSD: 0.005, SampleSD: 0.005},
		SizeVariation:  DefaultSizeVariation,
		Maternal:       MaternalFragments,
		Fetal:          FetalFragments,
		Twin2Share:     0.5,
	}
}

// Validate checks the parameters.
func (p *Params) Validate() error {
	var errs []error
	rate := func(name string, v, hi float64) {
		if !(v >= 0 && v <= hi) {
			errs = append(errs, fmt.Errorf("%s = %v out of range [0, %v]", name, v, hi))
		}
	}
	if p.ReadLength < 20 || p.ReadLength > 500 {
		errs = append(errs, fmt.Errorf("read length %d out of range (20–500 bp)", p.ReadLength))
	}
	rate("duplicate rate", p.DupRate, 0.9)
	rate("unmapped rate", p.UnmappedRate, 0.5)
	rate("QC-fail rate", p.QCFailRate, 0.5)
	rate("secondary rate", p.SecondaryRate, 1)
	rate("supplementary rate", p.SupplementRate, 1)
	rate("chrM rate", p.ChrMRate, 0.2)
	rate("unplaced rate", p.UnplacedRate, 0.2)
	if p.UnmappedRate+p.ChrMRate+p.UnplacedRate >= 0.9 {
		errs = append(errs, errors.New("unmapped + chrM + unplaced rates leave no reads for the genome"))
	}
	rate("overdispersion", p.Overdispersion, 1)
	rate("blacklist shared SD", p.Blacklist.SharedSD, 3)
	rate("blacklist sample CV", p.Blacklist.SampleCV, 3)
	rate("chrY background", p.YBackground, 0.2)
	rate("twin 2 share", p.Twin2Share, 1)
	rate("size shift batch SD", p.SizeShift.BatchSD, 0.05)
	rate("size shift sample SD", p.SizeShift.SampleSD, 0.05)
	if p.UniqueMapQ < 1 || p.UniqueMapQ > 254 || p.UniqueMapQ < p.Count.MinMAPQ {
		errs = append(errs, fmt.Errorf("unique MAPQ %d out of range (1–254 and at least the count filter's minimum %d)", p.UniqueMapQ, p.Count.MinMAPQ))
	}
	sum := 0.0
	for _, w := range p.NonUniqueMapQ {
		if w.MapQ < 0 || w.MapQ > 254 || w.P < 0 {
			errs = append(errs, fmt.Errorf("bad non-unique MAPQ entry %+v", w))
		}
		sum += w.P
	}
	if len(p.NonUniqueMapQ) == 0 || sum <= 0 {
		errs = append(errs, errors.New("non-unique MAPQ distribution is empty"))
	}
	if p.Count.ShortFragmentMax <= minFragment || p.Count.ShortFragmentMax > maxFragment || p.Count.MaxFragment < maxFragment {
		errs = append(errs, fmt.Errorf("count filters %+v: short fragment limit must be in (%d, %d] and max fragment ≥ %d", p.Count, minFragment, maxFragment, maxFragment))
	}
	if p.Batch.Rank < 0 || p.Batch.Rank > 20 {
		errs = append(errs, fmt.Errorf("batch rank %d out of range 0–20", p.Batch.Rank))
	}
	for _, f := range []FieldParams{p.Library, p.FetalProfile} {
		if f.SmoothSD < 0 || f.NoiseSD < 0 || f.SmoothSD > 1 || f.NoiseSD > 1 || (f.SmoothSD > 0 && f.Length <= 0) {
			errs = append(errs, fmt.Errorf("profile %+v: SDs must be in [0, 1] and the length positive", f))
		}
	}
	if err := p.SizeVariation.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := p.Maternal.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := p.Fetal.validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// nonUniquePass is the probability that a non-uniquely placed read has
// MAPQ ≥ the count filter's minimum.
func (p *Params) nonUniquePass() float64 {
	pass, sum := 0.0, 0.0
	for _, w := range p.NonUniqueMapQ {
		sum += w.P
		if w.MapQ >= p.Count.MinMAPQ {
			pass += w.P
		}
	}
	return pass / sum
}

// LoadParams reads a JSON file of parameter overrides (the schema of the
// "params" object of truth.json; fields left out keep their defaults) and
// returns the validated result.
func LoadParams(path string) (Params, error) {
	p := Default()
	b, err := os.ReadFile(path)
	if err != nil {
		return p, fmt.Errorf("simulation parameters: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, fmt.Errorf("simulation parameters %s: %w (see the params object of truth.json for the names)", path, err)
	}
	if err := p.Validate(); err != nil {
		return p, fmt.Errorf("simulation parameters %s: %w", path, err)
	}
	return p, nil
}
