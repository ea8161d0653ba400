package evaluate

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// WriteText writes the report as plain-text tables (what nipt evaluate
// prints to stdout).
func (r *Report) WriteText(w io.Writer) error {
	var buf bytes.Buffer
	r.writeText(&errWriter{w: &buf})
	// Aligned columns leave trailing blanks; drop them.
	lines := strings.Split(buf.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n"))
	return err
}

func (r *Report) writeText(ew *errWriter) {
	p := ew.printf
	s := r.Samples
	p("nipt evaluate: %d test samples (%d failed QC", s.TestInTruth, s.QCFail)
	if n := len(s.MissingFromSummary); n > 0 {
		p(", %d missing from the summary", n)
	}
	if s.ReferenceInSummary > 0 {
		p("; %d reference samples in the summary ignored", s.ReferenceInSummary)
	}
	p(")\n")
	p("No-calls are excluded from sensitivity and specificity and counted separately (NC).\n")
	p("Intervals: %s %s%%.\n\n", ciName(r.Settings.CI), trimFloat(100*float64(r.Settings.Confidence)))

	p("Screening performance\n")
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "condition\tpos\tTP\tFN\tNC\tneg\tTN\tFP\tNC\tsensitivity (CI)\tspecificity (CI)\t")
	var skipped []string
	for _, c := range r.Conditions {
		if !c.Evaluated {
			skipped = append(skipped, fmt.Sprintf("%s (%s)", c.Condition, c.NotEvaluatedReason))
			continue
		}
		neg := fmt.Sprintf("%d\t%d\t%d\t%d", c.Negatives, c.TN, c.FP, c.NoCallNegative)
		spec := propText(c.Specificity)
		if c.SensitivityOnly {
			neg, spec = "–\t–\t–\t–", "–"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t\n", c.Condition, c.Positives, c.TP, c.FN, c.NoCallPositive, neg, propText(c.Sensitivity), spec)
	}
	tw.Flush()
	for _, s := range skipped {
		p("not evaluated: %s\n", s)
	}
	r.writeAtMinFF(ew)
	r.writeSensitivityByFF(ew)
	r.writeSCATable(ew)
	if len(r.ROC) > 0 {
		p("\nROC (score: chromosome z-score)\n")
		tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "condition\tscore\tpositives\tnegatives\tAUC\t")
		for _, c := range r.ROC {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t\n", c.Condition, c.Score, c.Positives, c.Negatives, num(c.AUC, 4))
		}
		tw.Flush()
	}
	r.writeZCalibration(ew)
	r.writeFF(ew)
	r.writeCNV(ew)
	r.writeNoCalls(ew)
	r.writeByRun(ew)
	sf := r.Safety
	p("\nSafety: trisomy calls caused by a maternal CNV: %s (at risk: %d sample-chromosome pairs; failures: %d; no-calls: %d)\n",
		strings.ToUpper(strings.ReplaceAll(sf.Status, "_", " ")), sf.AtRisk, sf.Failures, sf.NoCalls)
	if len(sf.FailedSamples) > 0 {
		p("  failed: %s\n", strings.Join(sf.FailedSamples, ", "))
	}
	if len(r.Discordant) > 0 {
		p("\nDiscordant samples\n")
		tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "sample\tcondition\tkind\ttrue FF\tcall\t")
		for _, d := range r.Discordant {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", d.Sample, d.Condition, strings.ReplaceAll(d.Kind, "_", " "), pctText(d.TrueFF), d.Call)
		}
		tw.Flush()
	}
	for _, w := range r.Warnings {
		p("\nwarning: %s\n", w)
	}
}

func (r *Report) writeAtMinFF(ew *errWriter) {
	if r.Settings.MinFF < 0 {
		return
	}
	ew.printf("\nAt true FF ≥ %s (effective FF for mosaics)\n", pct(float64(r.Settings.MinFF)))
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "condition\tsensitivity (CI)\tspecificity (CI)\t")
	for _, c := range r.Conditions {
		if !c.Evaluated || c.AtMinFF == nil {
			continue
		}
		spec := propText(c.AtMinFF.Specificity)
		if c.SensitivityOnly {
			spec = "–"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t\n", c.Condition, propText(c.AtMinFF.Sensitivity), spec)
	}
	tw.Flush()
}

func (r *Report) writeSensitivityByFF(ew *errWriter) {
	ew.printf("\nSensitivity by true fetal fraction (detected/positives, no-calls excluded)\n")
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	bins := r.Settings.FFBins
	fmt.Fprint(tw, "condition\t")
	for _, b := range bins {
		fmt.Fprintf(tw, "%s\t", b.Label)
	}
	fmt.Fprintln(tw)
	for _, c := range r.Conditions {
		if !c.Evaluated || c.Positives == 0 {
			continue
		}
		fmt.Fprintf(tw, "%s\t", c.Condition)
		for _, b := range bins {
			cell := "·"
			for _, cb := range c.ByFF {
				if cb.Bin.Label == b.Label && cb.Sensitivity.N > 0 {
					cell = fmt.Sprintf("%d/%d", cb.Sensitivity.K, cb.Sensitivity.N)
				}
			}
			fmt.Fprintf(tw, "%s\t", cell)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

func (r *Report) writeSCATable(ew *errWriter) {
	t := r.SCATypes
	if t == nil {
		return
	}
	ew.printf("\nSex-chromosome karyotypes: true (rows) vs called (columns), %s disclosure\n", t.Mode)
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\t%s\t\n", strings.Join(t.Called, "\t"))
	for i, lab := range t.Truth {
		fmt.Fprintf(tw, "%s\t", lab)
		for _, n := range t.Counts[i] {
			fmt.Fprintf(tw, "%d\t", n)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

func (r *Report) writeFF(ew *errWriter) {
	f := r.FF
	ew.printf("\nFetal fraction: estimated vs true")
	if !f.Evaluated {
		ew.printf(": not evaluated (%s)\n", f.NotEvaluatedReason)
		return
	}
	if f.ExcludedTwins > 0 {
		ew.printf(" (%d twin pregnancies left out)", f.ExcludedTwins)
	}
	ew.printf("\n")
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "fetuses\tn\tPearson r\tslope\tMAE\tbias\tlimits of agreement\tinterval coverage\t")
	for _, g := range []struct {
		name string
		s    FFStats
	}{{"all", f.All}, {"female", f.ByFetalSex.Female}, {"male", f.ByFetalSex.Male}} {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s to %s\t%s\t\n", g.name, g.s.N, num(g.s.PearsonR, 3), num(g.s.Slope, 3),
			num(100*g.s.MAE, 2), ppText(g.s.Bias), ppText(g.s.LoALow), ppText(g.s.LoAHigh), propText(g.s.IntervalCoverage))
	}
	tw.Flush()
	ew.printf("(MAE, bias and limits in FF percentage points; slope: of the estimate on the truth, 1 when unbiased at every FF; coverage: true FF inside the reported interval)\n")
	if len(f.ByFF) > 0 {
		ew.printf("by true FF (all fetuses)\n")
		tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "true FF\tn\tbias\tSD\tmean interval width\tinterval coverage\t")
		for _, b := range f.ByFF {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t\n", b.Bin.Label, b.Stats.N, ppText(b.Stats.Bias), num(100*b.Stats.BiasSD, 2),
				num(100*b.Stats.IntervalWidth, 2), propText(b.Stats.IntervalCoverage))
		}
		tw.Flush()
	}
}

func (r *Report) writeCNV(ew *errWriter) {
	c := r.CNV
	ew.printf("\nCNVs (match: same chromosome and type, reciprocal overlap ≥ %s%%; chromosomes: %s)", trimFloat(100*float64(r.Settings.MinOverlap)), r.Settings.CNVChromosomes)
	if !c.Evaluated {
		ew.printf(": not evaluated (%s)\n", c.NotEvaluatedReason)
		return
	}
	ew.printf("\n  samples with a CNV result: %d (%d without, holding %d true CNVs)\n", c.Samples, c.NoResultSamples, c.TrueInNoResult)
	ew.printf("  recall: %s\n", propText(c.Recall))
	ew.printf("    %s at FF %s: %s\n", c.RecallHeadline.Group, c.RecallHeadline.FF, propText(c.RecallHeadline.Share))
	for _, g := range c.RecallByOrigin {
		if g.Share.N > 0 {
			ew.printf("    %s: %s\n", g.Group, propText(g.Share))
		}
	}
	for _, g := range c.RecallBySize {
		if g.Share.N > 0 {
			ew.printf("    %s: %s\n", g.Group, propText(g.Share))
		}
	}
	if len(c.RecallBySizeFF) > 0 {
		ew.printf("  recall by size and true FF:")
		for _, g := range c.RecallBySizeFF {
			ew.printf(" [%s, FF %s] %d/%d", g.Group, g.FF, g.Share.K, g.Share.N)
		}
		ew.printf("\n")
	}
	tumour := ""
	if c.OnTumour > 0 {
		tumour = fmt.Sprintf(", %d on a maternal tumour's change", c.OnTumour)
	}
	ew.printf("  calls: %d (%d matched, %d explained by a true aneuploidy%s, %d false)\n", c.Calls, c.Matched, c.Explained, tumour, c.FalseCalls.Events)
	ew.printf("  false calls per sample: %s (CI %s–%s); %d of them overlap a true CNV below the overlap threshold\n",
		num(c.FalseCalls.Value, 3), num(c.FalseCalls.Low, 3), num(c.FalseCalls.High, 3), c.PartialOverlap)
	ew.printf("  origin correct (maternal vs fetal) among matched: %s; %d labelled uncertain\n", propText(c.Origin.Correct), c.Origin.Uncertain)
	if p := r.Pattern; p.Evaluated && (p.Tumour.N > 0 || p.Others.K > 0) {
		ew.printf("  maternal malignancy pattern (changes on > %d autosomes): tumour-bearing samples flagged %s; others flagged %s\n", p.Limit, propText(p.Tumour), propText(p.Others))
	}
}

func (r *Report) writeNoCalls(ew *errWriter) {
	n := r.NoCall
	ew.printf("\nNo-call rate: %s\n", propText(n.Overall))
	for _, g := range n.ByFF {
		ew.printf("    FF %s: %s\n", g.Group, propText(g.Share))
	}
	if len(n.Reasons) > 0 {
		var parts []string
		for _, g := range n.Reasons {
			parts = append(parts, fmt.Sprintf("%s %d", g.Group, g.N))
		}
		ew.printf("  reasons: %s\n", strings.Join(parts, ", "))
	}
}

// propText formats "95.0% (75.1–99.9) 19/20" or "– 0/0".
func propText(p Proportion) string {
	if p.N == 0 {
		return "– (0/0)"
	}
	return fmt.Sprintf("%.1f%% (%.1f–%.1f) %d/%d", 100*float64(p.Value), 100*float64(p.Low), 100*float64(p.High), p.K, p.N)
}

func num(f Float, digits int) string {
	if f.IsNaN() || math.IsInf(float64(f), 0) {
		return "NA"
	}
	return fmt.Sprintf("%.*f", digits, float64(f))
}

// ppText formats a fraction difference in percentage points.
func ppText(f Float) string {
	if f.IsNaN() {
		return "NA"
	}
	return fmt.Sprintf("%+.2f", 100*float64(f))
}

func pctText(f Float) string {
	if f.IsNaN() {
		return "NA"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(f))
}

func trimFloat(f float64) string { return strings.TrimSuffix(fmt.Sprintf("%g", f), ".0") }

func ciName(m CIMethod) string {
	if m == Wilson {
		return "Wilson score"
	}
	return "exact Clopper–Pearson"
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
