package evaluate

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"

	"github.com/nipt/nipt/internal/version"
)

// Options control an evaluation. The zero value is completed by defaults.
type Options struct {
	CI         CIMethod // default ClopperPearson
	Confidence float64  // default 0.95
	// MinOverlap is the reciprocal overlap a called CNV needs to match a true
	// one; default 0.5, the usual criterion for structural variants.
	MinOverlap float64
	// MinFF: every condition is also scored on the samples whose true FF
	// is at least MinFF (default 0.04, the usual minimum FF for a result;
	// Canick et al. 2013). Negative: off.
	MinFF float64
	// CNVMinSize and CNVMinFF define the headline CNV recall: true CNVs of
	// at least CNVMinSize bases in samples with true FF ≥ CNVMinFF
	// (defaults 5 Mb and 0.08, the size and FF the project's CNV target is
	// stated for; a fetal CNV shifts dosage by FF/2 per copy, so small CNVs
	// at low FF are below any depth-limited detection limit).
	CNVMinSize int
	CNVMinFF   float64
	// FFBins are the inner edges of the fetal-fraction bins; default
	// DefaultFFBins.
	FFBins []float64
	// AllowMissing counts test samples absent from the summary as no-calls
	// and ignores summary samples absent from the truth (with a warning)
	// instead of failing.
	AllowMissing bool
	// CNVAutosomesOnly leaves chrX/chrY CNVs out of the CNV evaluation. It is
	// switched on automatically when the summary's zX column is NA
	// throughout: the sign of a summary redacted under a "fetal sex never"
	// policy, which also removes chrX/chrY CNV calls.
	CNVAutosomesOnly bool
}

// DefaultFFBins are the default inner FF bin edges. 4% is the minimum FF
// most laboratories require for a result (Canick et al. 2013, Prenat Diagn
// 33:667; ACMG 2016); 2% is near the detection limit of current assays; 8%
// and 12% bracket the median FF at 10–20 weeks, about 10% (Wang et al. 2013,
// Prenat Diagn 33:662).
var DefaultFFBins = []float64{0.02, 0.04, 0.08, 0.12}

func (o *Options) fill() error {
	if o.CI == "" {
		o.CI = ClopperPearson
	}
	ci, err := ParseCIMethod(string(o.CI))
	if err != nil {
		return err
	}
	o.CI = ci
	if o.Confidence == 0 {
		o.Confidence = 0.95
	}
	if !(o.Confidence > 0 && o.Confidence < 1) {
		return fmt.Errorf("confidence level %v must be between 0 and 1 (e.g. 0.95)", o.Confidence)
	}
	if o.MinOverlap == 0 {
		o.MinOverlap = 0.5
	}
	if !(o.MinOverlap > 0 && o.MinOverlap <= 1) {
		return fmt.Errorf("minimum reciprocal overlap %v must be in (0, 1]", o.MinOverlap)
	}
	if o.MinFF == 0 {
		o.MinFF = 0.04
	}
	if o.MinFF >= 1 {
		return fmt.Errorf("minimum FF %v must be a fraction below 1", o.MinFF)
	}
	if o.CNVMinSize < 0 || o.CNVMinFF < 0 || o.CNVMinFF >= 1 {
		return fmt.Errorf("CNV headline thresholds (size %d, FF %v) must be non-negative, FF below 1", o.CNVMinSize, o.CNVMinFF)
	}
	if o.CNVMinSize == 0 {
		o.CNVMinSize = 5_000_000
	}
	if o.CNVMinFF == 0 {
		o.CNVMinFF = 0.08
	}
	if o.FFBins == nil {
		o.FFBins = DefaultFFBins
	}
	for i, e := range o.FFBins {
		if !(e > 0 && e < 1) || i > 0 && e <= o.FFBins[i-1] {
			return fmt.Errorf("FF bin edges %v must be increasing fractions between 0 and 1", o.FFBins)
		}
	}
	return nil
}

// joined is a test sample with its truth and its reported result.
type joined struct {
	t   *Truth
	c   *Called // nil: missing from the summary
	cnv *sampleCNV
	sum *Summary
}

// noResult reports whether no result was issued for the sample at all.
func (j *joined) noResult() bool { return j.c == nil || j.c.QCFail() }

// trisomyCall is the reported call for a trisomy of chrom.
func (j *joined) trisomyCall(chrom int) Call {
	if j.c == nil {
		return NoCall
	}
	call, ok := j.c.Calls[chrom]
	if j.c.QCFail() && (ok || j.sum.screened[chrom]) {
		// No result is issued for a failed sample, whatever its row says
		// (often NA) — as long as the lab screens the condition at all.
		return NoCall
	}
	if !ok {
		return NotReported
	}
	return call
}

// Evaluate compares the summary with the truth. Only truth samples with
// role "test" are evaluated.
func Evaluate(truth []Truth, sum *Summary, opt Options) (*Report, error) {
	if err := opt.fill(); err != nil {
		return nil, err
	}
	rep := &Report{Tool: "nipt " + version.Version}
	js, err := join(truth, sum, opt, rep)
	if err != nil {
		return nil, err
	}
	rep.joined = js
	bins := makeFFBins(opt.FFBins)
	if !opt.CNVAutosomesOnly && sum.HasCNVs && sexBlindSummary(sum) {
		opt.CNVAutosomesOnly = true
		rep.Warnings = append(rep.Warnings, "zX is NA for every sample (summary redacted under a fetal-sex policy): chrX/chrY CNVs are left out of the CNV evaluation")
	}
	rep.Settings = Settings{
		CI: opt.CI, Confidence: Float(opt.Confidence), MinOverlap: Float(opt.MinOverlap), MinFF: Float(opt.MinFF),
		FFBins: bins, CNVChromosomes: "all", NoCallRule: noCallRule,
	}
	if opt.CNVAutosomesOnly {
		rep.Settings.CNVChromosomes = "autosomes"
	}
	rep.CNV = evaluateCNVs(js, sum, opt, bins)
	rep.Pattern = evaluatePattern(js, sum, opt)
	mode := scaMode(sum, rep)
	rep.Conditions = evaluateConditions(js, sum, opt, bins, mode, rep)
	if sum.HasSCA {
		rep.SCATypes = scaTable(js, mode)
	}
	rep.ROC = evaluateROC(js, sum)
	rep.ZCalibration = evaluateZCalibration(js, sum)
	rep.FF = evaluateFF(js, sum, opt)
	rep.NoCall = evaluateNoCalls(js, opt, bins)
	rep.ByRun = evaluateByRun(js, sum, opt)
	rep.Safety = evaluateSafety(js, sum, rep)
	if rep.Warnings == nil {
		rep.Warnings = []string{}
	}
	for _, w := range rep.Warnings {
		slog.Warn(w)
	}
	slog.Info("evaluation done", "test_samples", len(js), "qc_fail", rep.Samples.QCFail, "safety", rep.Safety.Status)
	return rep, nil
}

// join pairs test truth rows with summary rows, in truth-file order.
func join(truth []Truth, sum *Summary, opt Options, rep *Report) ([]*joined, error) {
	byID := make(map[string]*Called, len(sum.Samples))
	for i := range sum.Samples {
		byID[sum.Samples[i].Sample] = &sum.Samples[i]
	}
	role := make(map[string]bool, len(truth)) // sample → test
	sc := SampleCounts{SummaryRows: len(sum.Samples), MissingFromSummary: []string{}, NotInTruth: []string{}}
	var js []*joined
	for i := range truth {
		t := &truth[i]
		role[t.Sample] = t.Test
		if !t.Test {
			sc.ReferenceInTruth++
			continue
		}
		sc.TestInTruth++
		if t.Twins {
			sc.Twins++
		}
		c := byID[t.Sample]
		if c == nil {
			sc.MissingFromSummary = append(sc.MissingFromSummary, t.Sample)
		} else if c.QCFail() {
			sc.QCFail++
		}
		js = append(js, &joined{t: t, c: c, sum: sum})
	}
	for _, c := range sum.Samples {
		test, known := role[c.Sample]
		switch {
		case !known:
			sc.NotInTruth = append(sc.NotInTruth, c.Sample)
		case !test:
			sc.ReferenceInSummary++
		}
	}
	rep.Samples = sc
	if len(js) == 0 {
		return nil, errors.New("the truth file has no samples with role \"test\": nothing to evaluate (reference samples are not evaluated)")
	}
	if n := len(sc.MissingFromSummary); n > 0 {
		msg := fmt.Sprintf("%d test sample(s) of the truth are missing from %s: %s", n, sum.Name, listSome(sc.MissingFromSummary))
		if !opt.AllowMissing {
			return nil, fmt.Errorf("%s (check that both files belong to the same run, or use --allow-missing to count them as no-calls)", msg)
		}
		rep.Warnings = append(rep.Warnings, msg+"; counted as no-calls")
	}
	if n := len(sc.NotInTruth); n > 0 {
		msg := fmt.Sprintf("%d sample(s) of %s are not in the truth: %s", n, sum.Name, listSome(sc.NotInTruth))
		if !opt.AllowMissing {
			return nil, fmt.Errorf("%s (check that both files belong to the same run, or use --allow-missing to ignore them)", msg)
		}
		rep.Warnings = append(rep.Warnings, msg+"; ignored")
	}
	if sc.ReferenceInSummary > 0 {
		slog.Info("reference samples found in the summary are not evaluated", "n", sc.ReferenceInSummary)
	}
	return js, nil
}

// listSome lists up to five names.
func listSome(names []string) string {
	if len(names) <= 5 {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:5], ", ") + fmt.Sprintf(", … (%d more)", len(names)-5)
}

// sexBlindSummary reports whether zX is present but NA for every sample.
func sexBlindSummary(sum *Summary) bool {
	if !sum.HasZX || len(sum.Samples) == 0 {
		return false
	}
	for _, c := range sum.Samples {
		if !math.IsNaN(c.ZX) {
			return false
		}
	}
	return true
}

// makeFFBins turns inner edges into labelled bins; a last bin holds
// samples of unknown FF.
func makeFFBins(edges []float64) []FFBin {
	var out []FFBin
	lo := 0.0
	for i := 0; i <= len(edges); i++ {
		hi := 1.0
		label := ""
		switch {
		case len(edges) == 0:
			label = "all"
		case i == 0:
			hi, label = edges[0], "<"+pct(edges[0])
		case i == len(edges):
			label = "≥" + pct(lo)
		default:
			hi, label = edges[i], pct(lo)+"–"+pct(edges[i])
		}
		out = append(out, FFBin{Label: label, Low: Float(lo), High: Float(hi)})
		lo = hi
	}
	return append(out, FFBin{Label: "unknown", Low: Float(math.NaN()), High: Float(math.NaN())})
}

// binOf returns the index of the bin holding ff.
func binOf(bins []FFBin, ff float64) int {
	if math.IsNaN(ff) {
		return len(bins) - 1
	}
	for i, b := range bins[:len(bins)-1] {
		if ff < float64(b.High) || i == len(bins)-2 {
			return i
		}
	}
	return len(bins) - 1
}

// pct formats a fraction as a percentage without trailing zeros.
func pct(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", 100*f), "0"), ".") + "%"
}
