package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/report/pdffont"
	"github.com/nipt/nipt/internal/result"
)

// Line is the report line of one screened condition.
type Line struct {
	Condition   string // T21, T18, T13, SCA, RAT, CNV
	Name        string // e.g. "Trisomy 21 (Down syndrome)"
	Result      string // "Low risk", "High risk", "No call", "Detected", …
	Class       string // low, high, nocall, info (CSS class / PDF colour)
	Detail      string // z-score, likelihood ratio, reason, regions
	Performance string // DR, specificity, PPV, NPV of the lab

	// Risk states the residual risk of autosomal trisomy calls, printed
	// under Result: "Residual risk 1 in 48,000", "Probability of trisomy
	// 21 after the test: 97% (1 in 1.03)"; empty for no calls, SCA, CNVs.
	Risk string
}

// QCRow is one QC metric as printed.
type QCRow struct {
	Name, Value, Limits, Status string
}

// Overall interpretation classes (FHIR overall-interpretation answers).
const (
	OverallNegative     = "negative"
	OverallPositive     = "positive"
	OverallInconclusive = "inconclusive"
	OverallFailure      = "failure"
)

// Model is everything a per-sample report shows; the HTML and PDF writers
// lay out the same Model.
type Model struct {
	Lab            disclosure.Lab
	Profile        string
	Sample         string
	Runs           string // the sequencing runs, comma-separated; empty when unknown
	ReportDate     string // empty: left to the signature block
	Title          string
	Method         []string
	FetalFraction  string
	FFMethods      string
	SexStatement   string
	Overall        string // one of the Overall* constants
	OverallText    string
	Lines          []Line
	QCStatus       string
	QCReasons      []string
	QC             []QCRow
	PerfNote       string
	Recommendation string
	Limitations    []string
	// Font and FontBold print the PDF's text (lab profile [report] font
	// and font_bold); nil Font: the PDF core fonts, Latin text only.
	Font, FontBold *pdffont.Font
	// RiskNote explains the residual risk; empty when no line states one.
	RiskNote string
	// Draft, when not empty, is printed as a banner above the results: the
	// report is not a released result (the review application's pending
	// and rejected samples).
	Draft string
	// SignedBy and SignedDate fill the signature block of a result signed
	// off in the review application; empty leaves it to a signature by
	// hand.
	SignedBy, SignedDate string
}

// conditionNames are the printed names of the screened conditions.
var conditionNames = map[string]string{
	disclosure.T21: "Trisomy 21 (Down syndrome)",
	disclosure.T18: "Trisomy 18 (Edwards syndrome)",
	disclosure.T13: "Trisomy 13 (Patau syndrome)",
	disclosure.SCA: "Sex chromosome aneuploidy",
	disclosure.RAT: "Rare autosomal trisomies",
	disclosure.CNV: "Copy-number changes (deletions/duplications)",
}

// NewModel builds the report content of view (a disclosure.Apply result)
// under profile p. reportDate is printed when not empty.
func NewModel(view *result.Result, p *disclosure.Profile, reportDate string) (*Model, error) {
	if err := disclosure.Verify(view); err != nil {
		return nil, fmt.Errorf("report for sample %s: %w", view.Sample, err)
	}
	m := &Model{
		Lab:        p.Lab,
		Profile:    p.Name,
		Sample:     view.Sample,
		Runs:       strings.Join(view.Runs, ", "),
		ReportDate: reportDate,
		Title:      "Non-invasive prenatal screening (cell-free DNA)",
		QCStatus:   string(view.QC.Status),
	}
	var err error
	if m.Font, m.FontBold, err = reportFonts(p); err != nil {
		return nil, err
	}
	m.Method = methodText(view)
	ff := view.FetalFraction
	m.FetalFraction = fmt.Sprintf("%s (95%% interval %s – %s)", pct1(ff.Value), pct1(ff.Low), pct1(ff.High))
	if !ff.Known() {
		m.FetalFraction = "not measured"
	}
	var used []string
	for _, e := range ff.Methods {
		if e.Used {
			used = append(used, methodName(e.Method))
		}
	}
	m.FFMethods = "combined estimate from: " + strings.Join(used, ", ")
	if len(used) == 0 {
		m.FFMethods = "no method contributed an estimate"
	}
	m.SexStatement = sexStatement(view, p)
	m.QCReasons = qcReasons(view.QC)
	for _, c := range p.Conditions {
		l := conditionLine(view, c)
		if !view.Carries(c) {
			l = noCall(Line{Condition: c}, "Not analysed: the analysis was run with a lab profile that does not screen this condition; rerun nipt analyze with this laboratory's profile")
		}
		l.Name = conditionNames[c]
		if perf, ok := p.PerformanceFor(c); ok {
			l.Performance = performanceText(perf)
		}
		m.Lines = append(m.Lines, l)
	}
	m.Overall, m.OverallText = overall(view, m.Lines)
	if slices.ContainsFunc(m.Lines, func(l Line) bool { return l.Risk != "" }) {
		m.RiskNote = riskNote
	}
	for _, q := range view.QC.Metrics {
		m.QC = append(m.QC, qcRow(q))
	}
	m.PerfNote = "Detection rate (DR), specificity, positive and negative predictive values (PPV, NPV) are this laboratory's figures for each condition; values marked * are derived by Bayes' rule from DR, specificity and the population prevalence, and are not the individual risk of this pregnancy, which also depends on maternal age and gestation."
	m.Recommendation = "This is a screening test, not a diagnosis. A high-risk result must be confirmed by diagnostic testing (chorionic villus sampling or amniocentesis with karyotype or chromosomal microarray) before any irreversible decision; genetic counselling is recommended. A low-risk result does not exclude the screened conditions, and conditions not listed were not screened."
	if note := aberrationNote(view); note != "" {
		m.Recommendation = note + " " + m.Recommendation
	}
	m.Limitations = limitations(view, p)
	return m, nil
}

// aberrationNote explains a sample whose aberrant_autosomes metric did not
// pass (result.AberrantAutosomes); empty otherwise.
func aberrationNote(v *result.Result) string {
	for _, q := range v.QC.Metrics {
		if q.Name != result.AberrationMetric || q.Status == result.QCPass || len(v.AberrantAutosomes) == 0 {
			continue
		}
		return fmt.Sprintf("Changes were found on %d autosomes (%s). Changes on several chromosomes at once are rarely fetal: they are the pattern of an occult maternal malignancy, a maternal or placental chromosomal condition, or a technical artefact, and the results above may not describe the fetus. Review of the genome-wide plot, a new blood sample and clinical follow-up of the mother should be considered.",
			len(v.AberrantAutosomes), strings.Join(v.AberrantAutosomes, ", "))
	}
	return ""
}

func methodText(v *result.Result) []string {
	ref := v.Reference
	out := []string{
		"Low-coverage whole-genome sequencing of cell-free DNA from maternal plasma.",
		fmt.Sprintf("Reads counted in %s bins of %s, corrected for GC content and mappability, normalised against a reference of %d euploid pregnancies (reference %s).", binSize(ref.BinSize), ref.Build, ref.Samples, shortID(ref.ID)),
		"Chromosome dosage z-scores with likelihood ratios of trisomy versus euploidy given the fetal fraction; genome-wide segmentation for copy-number changes. z-score methods: PCA (dosage after principal-component noise removal), reference bins (against the chromosome's within-sample reference bins), NCV (normalised chromosome value).",
		"A low-risk call requires that a full trisomy at this sample's fetal fraction would have been detected with high probability (shown per condition); otherwise the result is a no call.",
	}
	corrected := 0
	for _, c := range v.Chromosomes {
		if c.BatchOffset != 0 {
			corrected++
		}
	}
	if corrected > 0 {
		out = append(out, fmt.Sprintf("Batch correction: the dosages of %d autosomes were corrected for offsets shared by this sequencing run, estimated from the run's other samples; the z-scores allow for the estimate's uncertainty.", corrected))
	}
	out = append(out, fmt.Sprintf("Software: %s %s.", v.Tool.Name, v.Tool.Version))
	return out
}

func binSize(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%d Mb", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%d kb", n/1000)
	}
	return fmt.Sprintf("%d bp", n)
}

func shortID(id string) string {
	if len(id) > 19 {
		return id[:19] + "…"
	}
	return id
}

// methodName is the printed name of a fetal-fraction method.
func methodName(m string) string {
	switch m {
	case "bin_profile":
		return "genome-wide coverage profile"
	case "fragment_size":
		return "fragment sizes"
	case "chrY":
		return "Y-chromosome dosage"
	case "chrX":
		return "X-chromosome dosage"
	}
	return strings.ReplaceAll(m, "_", " ")
}

// sexStatement is the same text for every sex-blind view.
func sexStatement(v *result.Result, p *disclosure.Profile) string {
	d := v.Disclosure
	if d.SexBlind || v.FetalSex == "" {
		return "Not reported, in accordance with the laboratory's disclosure policy."
	}
	if v.Pregnancy == result.PregnancyTwin {
		return "Not assessed in a twin pregnancy."
	}
	how := "on request"
	if p.FetalSex == disclosure.FetalSexMedicalIndication {
		how = "for a medical indication"
	}
	return fmt.Sprintf("%s (reported %s; this disclosure is recorded in the laboratory's audit log).", strings.ToUpper(v.FetalSex[:1])+v.FetalSex[1:], how)
}

func overall(v *result.Result, lines []Line) (string, string) {
	if v.QC.Status == result.QCFail {
		return OverallFailure, "Test failed quality control: no result. A new blood sample is recommended."
	}
	high, nocall := false, false
	for _, l := range lines {
		high = high || l.Class == "high"
		nocall = nocall || l.Class == "nocall"
	}
	switch {
	case high:
		return OverallPositive, "Screen positive: see the high-risk result below; diagnostic confirmation is recommended."
	case nocall:
		return OverallInconclusive, "Inconclusive: no result for at least one screened condition (see reasons below)."
	}
	return OverallNegative, "Screen negative for all screened conditions."
}

func performanceText(p disclosure.Performance) string {
	mark := func(d bool) string {
		if d {
			return "*"
		}
		return ""
	}
	if !(p.DetectionRate > 0 && p.Specificity > 0) {
		// No figure in the lab profile (e.g. rare trisomies and CNVs in
		// the built-in profiles): say so rather than print 0%.
		return "Not established: the laboratory profile gives no validated detection rate or specificity for this condition"
	}
	return fmt.Sprintf("DR %s, specificity %s, PPV %s%s, NPV %s%s", pct2(p.DetectionRate), pct2(p.Specificity), pct2(p.PPV), mark(p.PPVDerived), pct2(p.NPV), mark(p.NPVDerived))
}

func qcRow(m result.Metric) QCRow {
	name, format := qcNames[m.Name], qcFormatOf(m.Name)
	if name == "" {
		name = strings.ReplaceAll(m.Name, "_", " ")
	}
	var lim []string
	if m.Warn != nil {
		lim = append(lim, "warn "+format(*m.Warn))
	}
	if m.Fail != nil {
		lim = append(lim, "fail "+format(*m.Fail))
	}
	return QCRow{Name: name, Value: format(m.Value), Limits: strings.Join(lim, ", "), Status: string(m.Status)}
}

// qcReasons prints the reasons of a QC verdict. The engine writes one
// reason per metric that did not pass, "METRIC STATUS: …" (call.QC); those
// are re-stated from the metric with its printed name, value and threshold
// in the metric's own format. Other reasons are kept as they are.
func qcReasons(q result.QC) []string {
	out := make([]string, 0, len(q.Reasons))
	for _, r := range q.Reasons {
		text := r
		for _, m := range q.Metrics {
			if !strings.HasPrefix(r, m.Name+" "+string(m.Status)+":") {
				continue
			}
			text = metricReason(m, strings.Contains(r, "could not be measured"))
			break
		}
		out = append(out, text)
	}
	return out
}

// metricReason states why metric m did not pass.
func metricReason(m result.Metric, unmeasured bool) string {
	row := qcRow(m)
	if unmeasured {
		return row.Name + " could not be measured"
	}
	th, level := m.Warn, "warning"
	if m.Status == result.QCFail {
		th, level = m.Fail, "failure"
	}
	if th == nil {
		return fmt.Sprintf("%s %s (%s)", row.Name, row.Value, m.Status)
	}
	cmp := "above"
	if m.Value < *th {
		cmp = "below"
	}
	return fmt.Sprintf("%s %s, %s the %s threshold %s", row.Name, row.Value, cmp, level, qcFormatOf(m.Name)(*th))
}

var qcNames = map[string]string{
	"reads": "Reads", "duplicate_rate": "Duplicate rate", "mapd": "Bin noise (MAPD)",
	"gc_bias": "GC bias", "fetal_fraction": "Fetal fraction",
	"chrom_dosage":       "Largest autosome dosage change (|log2|)",
	"depth_ratio":        "Depth over the reference's",
	"aberrant_autosomes": "Autosomes with a change",
}

var qcFormat = map[string]func(float64) string{
	"reads":              func(x float64) string { return thousands(int64(x)) },
	"duplicate_rate":     pct1,
	"fetal_fraction":     pct1,
	"chrom_dosage":       func(x float64) string { return fmt.Sprintf("%.3f", x) },
	"depth_ratio":        func(x float64) string { return fmt.Sprintf("%.2f×", x) },
	"aberrant_autosomes": func(x float64) string { return fmt.Sprintf("%.0f", x) },
}

func qcFormatOf(metric string) func(float64) string {
	if f := qcFormat[metric]; f != nil {
		return f
	}
	return func(x float64) string { return fmt.Sprintf("%.4g", x) }
}

func pct1(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }

// pct2 prints a fraction as a percentage with the precision a predictive
// value needs: two decimals, and "> 99.99%" rather than a rounded 100%.
func pct2(x float64) string {
	if x > 0.9999 && x < 1 {
		return "> 99.99%"
	}
	return fmt.Sprintf("%.2f%%", 100*x)
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
