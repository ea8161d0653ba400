package refset

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/fetalfraction"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/normalize"
	"github.com/nipt/nipt/internal/stats"
)

// Summary is the human-readable quality report of a reference. Fetal sex
// appears only as counts: reference samples are pregnancies too.
type Summary struct {
	ID         string             `json:"id"`
	Build      string             `json:"build"`
	BinSize    int                `json:"bin_size"`
	Samples    int                `json:"samples"`
	Used       int                `json:"used"`
	Excluded   []Exclusion        `json:"excluded"`
	Female     int                `json:"female_fetus"`
	Male       int                `json:"male_fetus"`
	UnknownSex int                `json:"unknown_sex"`
	Bins       int                `json:"bins"`
	BinsUsed   int                `json:"bins_used"`
	Masked     map[string]int     `json:"bins_masked"`
	Components int                `json:"components"`
	CVCurve    []float64          `json:"component_cv"`
	Chroms     []ChromNoise       `json:"chromosomes"`
	FF         FFModels           `json:"fetal_fraction"`
	Kappa      map[string]float64 `json:"segment_noise_inflation"`
	Short      *ShortModel        `json:"short_fragments,omitempty"`
	Filters    *counts.Filters    `json:"count_filters,omitempty"`
	Warnings   []string           `json:"warnings"`
	Depth      float64            `json:"median_autosomal_reads"`
	// SexBatchP: Meta.SexBatchP.
	SexBatchP *float64 `json:"sex_batch_p,omitempty"`
	// Runs counts the used samples per sequencing run (RunCounts) and
	// NoRun those whose counts named none.
	Runs  map[string]int `json:"runs,omitempty"`
	NoRun int            `json:"samples_without_run,omitempty"`
	// Thresholds are the trisomy z thresholds nipt analyze derives from
	// this reference at the default trisomy specificity.
	Thresholds TrisomyThresholds `json:"trisomy_thresholds"`
	// FineBinSize is the counted bin size samples are corrected at
	// (Options.FineCorrection; 0: at the analysis bin size).
	FineBinSize int `json:"fine_correction_bin_size,omitempty"`
}

// DefaultTrisomySpecificity is the default trisomy_specificity of the
// analysis (call.DefaultConfig; a test in package analyze keeps the two
// equal), at which the summary states the reference's trisomy thresholds.
const DefaultTrisomySpecificity = 0.999

// rareAutosomes is the number of autosomes screened for rare trisomies
// (the Bonferroni factor of call.Config.RATThreshold).
const rareAutosomes = 19

// TrisomyThresholds are the high-risk z thresholds at Specificity for
// chromosome null SDs estimated with DF degrees of freedom (the fewest
// reference samples behind an autosome's primary null, less one): the
// Student t quantiles of call.Config.TrisomyThreshold and RATThreshold.
type TrisomyThresholds struct {
	Specificity float64 `json:"specificity"`
	DF          int     `json:"df"`
	Common      float64 `json:"common"`
	Rare        float64 `json:"rare"`
}

// Exclusion names an excluded sample and why.
type Exclusion struct {
	Sample string `json:"sample"`
	Reason string `json:"reason"`
}

// ChromNoise is the chromosome-level noise of each method against the
// Poisson limit.
type ChromNoise struct {
	Chrom   string             `json:"chrom"`
	Bins    int                `json:"bins"`
	Primary string             `json:"primary"`
	SD      map[string]float64 `json:"sd"`
	Poisson map[string]float64 `json:"poisson"`
	// FractionLimit is the Poisson SD of the chromosome's read fraction in
	// log2 units, √((1 − p)/(pN))/ln 2 for the median read share p of all
	// its bins and the median total reads N, the limit the brief's noise
	// target refers to; Ratio is the primary SD over it, and CVRatio the
	// primary method's own cross-validated SD over it, before the pooling
	// across autosomes (Null.CVSD; 0 when there was none).
	FractionLimit float64 `json:"fraction_limit"`
	Ratio         float64 `json:"ratio_to_limit"`
	CVRatio       float64 `json:"cv_ratio_to_limit,omitempty"`
}

// Summarize computes the reference summary.
func (r *Reference) Summarize() *Summary {
	s := &Summary{ID: r.ID, Build: r.Build, BinSize: r.BinSize, Samples: len(r.Samples), Masked: map[string]int{},
		Components: r.Components, CVCurve: r.CVCurve, FF: r.FF, Warnings: r.Warnings, Depth: r.Depth,
		Excluded: []Exclusion{}, Kappa: map[string]float64{}, Short: r.Short, Filters: r.Filters, FineBinSize: r.FineBinSize, SexBatchP: r.SexBatchP}
	if s.Warnings == nil {
		s.Warnings = []string{}
	}
	var used []int
	ps := make([]*SampleProfile, len(r.Samples))
	for i := range r.Samples {
		ps[i] = &r.Samples[i]
	}
	for i, st := range r.Status {
		if st.Used {
			used = append(used, i)
			s.Used++
			switch st.Sex {
			case SexFemale:
				s.Female++
			case SexMale:
				s.Male++
			default:
				s.UnknownSex++
			}
		} else {
			s.Excluded = append(s.Excluded, Exclusion{r.Samples[i].ID, st.Reason})
		}
	}
	if len(ps) == len(r.Status) {
		s.Runs, s.NoRun = RunCounts(ps, used)
	}
	s.Bins = r.Layout.NumBins()
	for _, m := range r.Mask {
		if m == normalize.MaskNone {
			s.BinsUsed++
		} else {
			s.Masked[normalize.MaskNames[m]]++
		}
	}
	for i, n := range r.KappaSizes {
		s.Kappa[fmt.Sprintf("%d", n)] = r.KappaValues[i]
	}
	df := 0
	for c := 0; c < genome.ChrX && c < len(r.Chroms); c++ {
		if nl, ok := r.Chroms[c].Nulls[r.Chroms[c].Primary]; ok && (df == 0 || nl.N-1 < df) {
			df = nl.N - 1
		}
	}
	if df > 0 {
		spec := DefaultTrisomySpecificity
		s.Thresholds = TrisomyThresholds{Specificity: spec, DF: df,
			Common: stats.StudentTQuantile(spec, float64(df)),
			Rare:   stats.StudentTQuantile(1-(1-spec)/rareAutosomes, float64(df))}
	}
	var reads []float64
	var share [genome.NumChroms][]float64
	for i, st := range r.Status {
		if !st.Used {
			continue
		}
		p := &r.Samples[i]
		var tot float64
		for _, v := range p.ChromReads {
			tot += float64(v)
		}
		reads = append(reads, tot)
		for c := range share {
			share[c] = append(share[c], float64(p.ChromReads[c])/tot)
		}
	}
	n := stats.Median(reads)
	for c, cm := range r.Chroms {
		if len(cm.Nulls) == 0 {
			continue
		}
		cn := ChromNoise{Chrom: cm.Chrom, Bins: cm.Bins, Primary: cm.Primary, SD: map[string]float64{}, Poisson: map[string]float64{}}
		for m, nl := range cm.Nulls {
			cn.SD[m] = nl.SD
			cn.Poisson[m] = nl.Poisson
		}
		p := stats.Median(share[c])
		cn.FractionLimit = math.Sqrt((1-p)/(p*n)) / math.Ln2
		if cm.Primary != "" {
			cn.Ratio = cm.Nulls[cm.Primary].SD / cn.FractionLimit
			if cv := cm.Nulls[cm.Primary].CVSD; cv > 0 {
				cn.CVRatio = cv / cn.FractionLimit
			}
		}
		s.Chroms = append(s.Chroms, cn)
	}
	return s
}

// WriteText renders the summary for people.
func (s *Summary) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "nipt reference %s\n", short(s.ID))
	fmt.Fprintf(&b, "build %s, bins of %d b, median autosomal reads %.0f\n", s.Build, s.BinSize, s.Depth)
	if s.FineBinSize > 0 {
		fmt.Fprintf(&b, "fine correction: samples are GC-corrected and masked at their counted %d b bins before merging (count test samples at %d b or a divisor of it)\n", s.FineBinSize, s.FineBinSize)
	}
	if f := s.Filters; f != nil {
		fmt.Fprintf(&b, "counted with: --min-mapq %d --dedup %s", f.MinMAPQ, f.Dedup)
		if f.ShortFragmentMax > 0 {
			fmt.Fprintf(&b, " --proper-pairs=%v --short-max %d --max-fragment %d", f.ProperPairsOnly, f.ShortFragmentMax, f.MaxFragment)
		}
		fmt.Fprintf(&b, " (test samples must be counted the same way)\n")
	}
	fmt.Fprintf(&b, "\n")
	fmt.Fprintf(&b, "samples: %d given, %d used, %d excluded\n", s.Samples, s.Used, len(s.Excluded))
	for _, e := range s.Excluded {
		fmt.Fprintf(&b, "  excluded %s: %s\n", e.Sample, e.Reason)
	}
	fmt.Fprintf(&b, "fetal sex of the used samples (counts only): %d female, %d male, %d unassigned\n", s.Female, s.Male, s.UnknownSex)
	fmt.Fprintf(&b, "sequencing runs of the used samples: %s\n", runsText(s.Runs, s.NoRun))
	if s.SexBatchP != nil {
		fmt.Fprintf(&b, "fetal sex against autosomal coverage (batch confounding; permutation test): p = %.3f\n", *s.SexBatchP)
	}
	fmt.Fprintln(&b)
	fmt.Fprintf(&b, "bins: %d, used %d\n", s.Bins, s.BinsUsed)
	var reasons []string
	for k := range s.Masked {
		reasons = append(reasons, k)
	}
	sort.Strings(reasons)
	for _, k := range reasons {
		fmt.Fprintf(&b, "  masked %-18s %d\n", k, s.Masked[k])
	}
	fmt.Fprintf(&b, "\nPCA components removed: %d (chosen by 10-fold cross-validation of chromosome- and 5 Mb-level noise)\n", s.Components)
	fmt.Fprintf(&b, "\nchromosome-level noise (SD of the log2 dosage among euploid samples: cross-validated, autosomes pooled by empirical Bayes)\n")
	fmt.Fprintf(&b, "%-6s %5s %-15s %9s %9s %9s %9s %8s %8s\n", "chrom", "bins", "primary", "pca", "ref_bins", "ncv", "limit", "ratio", "cv_ratio")
	for _, c := range s.Chroms {
		cv := "-"
		if c.CVRatio > 0 {
			cv = fmt.Sprintf("%.3f", c.CVRatio)
		}
		fmt.Fprintf(&b, "%-6s %5d %-15s %9s %9s %9s %9.5f %8.3f %8s\n", c.Chrom, c.Bins, c.Primary,
			sdCell(c.SD, MethodPCA), sdCell(c.SD, MethodRefBins), sdCell(c.SD, MethodNCV), c.FractionLimit, c.Ratio, cv)
	}
	fmt.Fprintf(&b, "(limit: Poisson SD of the chromosome's read fraction, sqrt((1-p)/(pN))/ln2; ratio: primary SD / limit; cv_ratio: the chromosome's own cross-validated SD / limit, before pooling — it differs from ratio mostly by its sampling error, about 1/sqrt(2(n-1)))\n")
	if t := s.Thresholds; t.DF > 0 {
		fmt.Fprintf(&b, "trisomy high-risk thresholds at %.1f%% specificity (nipt analyze's default trisomy_specificity; Student t, %d df: the null SDs come from %d samples): z ≥ %.2f for T13, T18, T21; z ≥ %.2f for rare autosomal trisomies\n",
			100*t.Specificity, t.DF, t.DF+1, t.Common, t.Rare)
	}
	fmt.Fprintf(&b, "\nfetal fraction models\n")
	y := s.FF.Y
	cal := "calibrated against the chrX deficit of male-fetus samples"
	if !y.Calibrated {
		cal = "not calibrated (diploid-genome expectation)"
	}
	fmt.Fprintf(&b, "  chrY: %d bins, scale %.4f ± %.4f, %s", y.Bins, y.Scale, y.ScaleSE, cal)
	if y.Calibrated && y.InterceptSE > 0 {
		fmt.Fprintf(&b, " (chrX fraction at zero chrY %+.1f ± %.1f points; 0 expected)", 100*y.Intercept, 100*y.InterceptSE)
	}
	fmt.Fprintf(&b, "\n")
	if p := s.FF.Profile; p != nil {
		fmt.Fprintf(&b, "  bin_profile (%s log ratios, windows of %d bins): nested-CV r = %.3f, MAE = %.4f, RMSE = %.4f (n = %d)\n",
			p.Source, p.Window, p.Ridge.CV.R, p.Ridge.CV.MAE, p.Ridge.CV.RMSE, p.Ridge.CV.N)
		fmt.Fprintf(&b, "    %s\n", calibrationText(p.Ridge.Cal))
	} else {
		fmt.Fprintf(&b, "  bin_profile: not available\n")
	}
	if f := s.FF.Size; f != nil {
		cv := f.Ridge.CV
		fmt.Fprintf(&b, "  fragment_size (%s): nested-CV r = %.3f, MAE = %.4f, RMSE = %.4f (n = %d)\n", f.Source, cv.R, cv.MAE, cv.RMSE, cv.N)
		fmt.Fprintf(&b, "    %s\n", calibrationText(f.Ridge.Cal))
	}
	if f := s.FF.Fragment; f != nil {
		fmt.Fprintf(&b, "  fragment_size (short-fragment share, line): LOO-CV r = %.3f, MAE = %.4f, RMSE = %.4f (n = %d)\n", f.CV.R, f.CV.MAE, f.CV.RMSE, f.CV.N)
		fmt.Fprintf(&b, "    %s\n", calibrationText(f.Cal))
	} else {
		fmt.Fprintf(&b, "  fragment_size: not available (needs paired-end reference samples)\n")
	}
	if m := s.Short; m != nil {
		fmt.Fprintf(&b, "\nshort-fragment track (fetal-CNV scan)\n")
		fmt.Fprintf(&b, "  %d paired-end samples; short share of fetal minus maternal fragments %.4f ± %.4f (chrY fragments of %d male-fetus samples); noise %.3f × binomial, segment inflation %.3f at %d bins\n",
			m.Samples, m.Beta, m.BetaSE, m.BetaN, m.Phi, m.Kappa(64), 64)
	} else {
		fmt.Fprintf(&b, "\nshort-fragment track (fetal-CNV scan): not available (needs paired-end reference samples, 10 of them male-fetus)\n")
	}
	if len(s.Warnings) > 0 {
		fmt.Fprintf(&b, "\nwarnings\n")
		for _, x := range s.Warnings {
			fmt.Fprintf(&b, "  - %s\n", x)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// calibrationText describes a fetal-fraction model's measurement model
// (docs/method.md §5): how its leave-one-out estimates rise with the chrY
// fetal fraction, and the SD of the de-biased estimate at 10%, the median
// fetal fraction.
func calibrationText(c fetalfraction.Calibration) string {
	if !c.Valid() {
		return "calibration: not fitted (the model is not used)"
	}
	m := fetalfraction.Measurement{Raw: c.A + c.B*0.10, Cal: c}
	use := ""
	if !c.Informative() {
		use = "; slope not above 2 SE: not used"
	}
	return fmt.Sprintf("calibration: estimate = %.4f + %.3f × FF (slope SE %.3f), residual SD %.4f; de-biased SD %.4f at FF 10%% (n = %d)%s",
		c.A, c.B, math.Sqrt(c.VarB), c.ResidualSD(0.10), m.SD(0.10), c.N, use)
}

func sdCell(m map[string]float64, k string) string {
	v, ok := m[k]
	if !ok {
		return "-"
	}
	return fmt.Sprintf("%.5f", v)
}

func short(id string) string {
	if len(id) > 16 {
		return id[:16]
	}
	return id
}

// runsText lists the runs of the used samples, by name, with their sample
// counts.
func runsText(runs map[string]int, none int) string {
	if len(runs) == 0 {
		return "not recorded (counts files without runs: nipt count --run, or the BAMs' @RG PU)"
	}
	names := slices.Sorted(maps.Keys(runs))
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d", n, runs[n])
	}
	out := fmt.Sprintf("%d (%s)", len(names), strings.Join(parts, ", "))
	if none > 0 {
		out += fmt.Sprintf(", and %d samples without a recorded run", none)
	}
	return out
}
