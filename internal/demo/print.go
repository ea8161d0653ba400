package demo

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nipt/nipt/internal/evaluate"
)

// printSummary prints, for every test sample, what was simulated next to
// what nipt called (from the disclosure-filtered summary.tsv), and where the
// outputs are. What was simulated is described without fetal sex: an SCA is
// shown as "SCA", as the default lab profile reports it.
func printSummary(w io.Writer, p *Paths, truthPath string, took time.Duration) error {
	truth, err := evaluate.ReadTruthFile(truthPath)
	if err != nil {
		return err
	}
	expect := map[string]string{}
	trueFF := map[string]float64{}
	for _, t := range truth {
		if t.Test {
			expect[t.Sample] = describe(t)
			trueFF[t.Sample] = t.FF
		}
	}
	rows, err := readTSV(p.Summary)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nnipt demo finished in %.0f s. Test samples (simulated → called):\n\n", took.Seconds())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "sample\tsimulated\tFF true\tFF estimate\tQC\tT21\tT18\tT13\tSCA\tCNVs\tno-call reason")
	for _, r := range rows {
		s := r["sample"]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s, expect[s], pct(trueFF[s]), ffRange(r),
			r["qc_status"], r["call21"], r["call18"], r["call13"], dash(r["sca"]), dash(r["cnvs"]), dash(r["no_call_reason"]))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, `
Where to look:
  clinical reports (HTML, PDF)   %s/
  batch report                   %s
  machine-readable results       %s/<sample>/result.json, %s
  reference summary              %s
  accuracy against the truth     %s/evaluation.json
  review application             nipt review user add NAME --role geneticist --db %s
                                 nipt review serve --db %s   (docs/review.md)
The demo profile screens every condition under the strictest fetal-sex
disclosure policy, which every clinical output follows (docs/disclosure.md;
examples/lab-profile-*.toml show the other policies). The simulation truth
(cohort/truth.tsv) and the accuracy evaluation, like any validation study,
hold the simulated sex of each fetus.
`, p.Reports, p.BatchReport, p.Analysis, p.Summary, strings.TrimSuffix(p.Reference, ".niptref")+".summary.txt", p.Evaluation, p.Review, p.Review)
	return nil
}

func describe(t evaluate.Truth) string {
	var parts []string
	if t.Twins {
		parts = append(parts, "twins")
	}
	tumour := 0
	if t.Trisomy != 0 {
		s := fmt.Sprintf("T%d", t.Trisomy)
		if t.IsMosaic() {
			s += fmt.Sprintf(" (mosaic %.0f%%)", 100*t.Mosaic)
		}
		parts = append(parts, s)
	}
	if t.SCA != "" {
		parts = append(parts, "SCA")
	}
	for _, c := range t.CNVs {
		switch {
		case c.Chrom == "X" || c.Chrom == "Y":
		case c.Origin == "tumour":
			tumour++
		default:
			parts = append(parts, fmt.Sprintf("%s %s chr%s:%.0f-%.0f Mb", c.Origin, c.Type, c.Chrom, float64(c.Start)/1e6, float64(c.End)/1e6))
		}
	}
	if tumour > 0 {
		parts = append(parts, fmt.Sprintf("maternal tumour (%d changes)", tumour))
	}
	if len(parts) == 0 || len(parts) == 1 && t.Twins {
		parts = append(parts, "euploid")
	}
	return strings.Join(parts, "; ")
}

func pct(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

func ffRange(r map[string]string) string {
	v, err1 := strconv.ParseFloat(r["ff"], 64)
	lo, err2 := strconv.ParseFloat(r["ff_low"], 64)
	hi, err3 := strconv.ParseFloat(r["ff_high"], 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return "NA"
	}
	return fmt.Sprintf("%.1f%% (%.1f–%.1f)", 100*v, 100*lo, 100*hi)
}

func dash(s string) string {
	if s == "" || s == "NA" {
		return "-"
	}
	return s
}

// readTSV reads a headed TSV into one map per row.
func readTSV(path string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.Comma, cr.Comment, cr.LazyQuotes = '\t', '#', true
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty", path)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		out = append(out, m)
	}
	return out, nil
}
