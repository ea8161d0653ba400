package evaluate

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Variations of the hand-made test data: missing samples, a summary
// redacted under a fetal-sex policy, presence-only SCA disclosure, minimal
// summaries and invalid options.

func readTestdata(t *testing.T) ([]Truth, string) {
	t.Helper()
	truth, err := ReadTruthFile(filepath.Join("testdata", "truth.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "summary.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	return truth, string(b)
}

func dropLines(s string, prefixes ...string) string {
	var keep []string
	for _, l := range strings.SplitAfter(s, "\n") {
		drop := false
		for _, p := range prefixes {
			drop = drop || strings.HasPrefix(l, p+"\t")
		}
		if !drop {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "")
}

func TestEvaluateMissingSamples(t *testing.T) {
	truth, sumText := readTestdata(t)
	// A01 (a T21) missing; an extra sample X99 not in the truth.
	text := dropLines(sumText, "A01") + "X99\tpass\t4000000\t0.1\t0.08\t0.12\t0\t0\t0\t0\tlow_risk\tlow_risk\tlow_risk\tlow_risk\t\t\t\trun1\n"
	sum, err := ParseSummary(strings.NewReader(text), "s.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Evaluate(truth, sum, Options{}); err == nil || !strings.Contains(err.Error(), "A01") || !strings.Contains(err.Error(), "--allow-missing") {
		t.Fatalf("error %v, want one naming A01 and --allow-missing", err)
	}
	rep, err := Evaluate(truth, sum, Options{AllowMissing: true})
	if err != nil {
		t.Fatal(err)
	}
	// A01 becomes a no-call among the T21 positives and a no-call sample.
	c := findCondition(t, rep, "T21")
	if c.TP != 8 || c.NoCallPositive != 1 || rep.NoCall.Overall.K != 4 || len(rep.Warnings) != 2 {
		t.Errorf("T21 %+v, no-calls %d, warnings %v", c.Counts, rep.NoCall.Overall.K, rep.Warnings)
	}
	if !reflect.DeepEqual(rep.Samples.NotInTruth, []string{"X99"}) || !reflect.DeepEqual(rep.Samples.MissingFromSummary, []string{"A01"}) {
		t.Errorf("samples %+v", rep.Samples)
	}
}

func TestEvaluateSexBlindSummary(t *testing.T) {
	truth, sumText := readTestdata(t)
	// Redact zX and add a chrX CNV to N1's truth: it must be left out.
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimSuffix(sumText, "\n"), "\n") {
		f := strings.Split(l, "\t")
		if i > 0 {
			f[9] = "NA"
		}
		b.WriteString(strings.Join(f, "\t") + "\n")
	}
	sum, err := ParseSummary(strings.NewReader(b.String()), "s.tsv")
	if err != nil {
		t.Fatal(err)
	}
	for i := range truth {
		if truth[i].Sample == "N1" {
			truth[i].CNVs = append(truth[i].CNVs, CNV{Chrom: "X", Start: 0, End: 9_000_000, Type: "loss", Origin: "fetal"})
		}
	}
	rep, err := Evaluate(truth, sum, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Settings.CNVChromosomes != "autosomes" || rep.CNV.Recall.N != 4 || len(rep.Warnings) != 1 {
		t.Errorf("chromosomes %q, recall %d/%d, warnings %v", rep.Settings.CNVChromosomes, rep.CNV.Recall.K, rep.CNV.Recall.N, rep.Warnings)
	}
	rep, err = Evaluate(truth, loadSummary(t, sumText), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Settings.CNVChromosomes != "all" || rep.CNV.Recall.N != 5 {
		t.Errorf("unredacted: chromosomes %q, recall n %d, want all, 5", rep.Settings.CNVChromosomes, rep.CNV.Recall.N)
	}
}

func loadSummary(t *testing.T, text string) *Summary {
	t.Helper()
	s, err := ParseSummary(strings.NewReader(text), "s.tsv")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestEvaluatePresenceDisclosure(t *testing.T) {
	truth, sumText := readTestdata(t)
	// Replace named karyotypes by high_risk: presence-only disclosure.
	text := strings.ReplaceAll(strings.ReplaceAll(sumText, "\t47,XXY\t", "\thigh_risk\t"), "\t47,XXX\t", "\thigh_risk\t")
	rep, err := Evaluate(truth, loadSummary(t, text), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.SCATypes.Mode != "presence" {
		t.Fatalf("mode %q", rep.SCATypes.Mode)
	}
	// Per type: sensitivity only; S2 (45,X) now counts as detected.
	for name, want := range map[string][2]int{"45,X": {1, 1}, "47,XXX": {0, 1}, "47,XXY": {1, 1}, "47,XYY": {0, 0}} {
		c := findCondition(t, rep, name)
		if !c.SensitivityOnly || c.Sensitivity.K != want[0] || c.Sensitivity.N != want[1] || c.Negatives != 0 {
			t.Errorf("%s: %+v, want sensitivity %d/%d only", name, c, want[0], want[1])
		}
	}
	if c := findCondition(t, rep, "SCA"); c.TP != 2 || c.FN != 1 {
		t.Errorf("SCA %+v", c.Counts)
	}
}

func TestEvaluateColumnNAThroughout(t *testing.T) {
	// A lab that does not screen sex chromosomes writes sca = NA.
	truth := []Truth{{Sample: "A", Test: true, FF: 0.1, Mosaic: 1, SCA: "47,XXY"}, {Sample: "B", Test: true, FF: 0.1, Mosaic: 1}}
	rep, err := Evaluate(truth, loadSummary(t, "sample\tcall21\tsca\nA\tlow_risk\tNA\nB\tlow_risk\tNA\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c := findCondition(t, rep, "SCA"); c.Evaluated || c.NotReported != 2 || !strings.Contains(c.NotEvaluatedReason, "NA throughout") {
		t.Errorf("SCA %+v", c)
	}
}

func TestEvaluateQCFailWithNA(t *testing.T) {
	// A failed sample written with NA calls is a no-call wherever the lab
	// screens (call21, sca), and stays unreported where it does not (rat NA
	// throughout).
	truth := []Truth{{Sample: "A", Test: true, FF: 0.1, Mosaic: 1, Trisomy: 21}, {Sample: "B", Test: true, FF: 0.1, Mosaic: 1}}
	sum := loadSummary(t, "sample\tqc_status\tcall21\tsca\trat\nA\tfail\tNA\tNA\tNA\nB\tpass\tlow_risk\tlow_risk\tNA\n")
	rep, err := Evaluate(truth, sum, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c := findCondition(t, rep, "T21"); c.NoCallPositive != 1 || c.TN != 1 || c.NotReported != 0 {
		t.Errorf("T21 %+v", c.Counts)
	}
	if c := findCondition(t, rep, "SCA"); c.NoCallNegative != 1 || c.TN != 1 {
		t.Errorf("SCA %+v", c.Counts)
	}
	if c := findCondition(t, rep, "RAT"); c.Evaluated {
		t.Errorf("RAT evaluated: %+v", c.Counts)
	}
}

func TestEvaluateNoTestSamples(t *testing.T) {
	truth := []Truth{{Sample: "R", Test: false, FF: 0.1, Mosaic: 1}}
	sum := loadSummary(t, "sample\tcall21\nR\tlow_risk\n")
	if _, err := Evaluate(truth, sum, Options{}); err == nil || !strings.Contains(err.Error(), "no samples with role \"test\"") {
		t.Errorf("error %v", err)
	}
}

func TestEvaluateMinimalSummary(t *testing.T) {
	// Only call21: every other condition is reported as not evaluated.
	truth := []Truth{{Sample: "A", Test: true, FF: 0.1, Mosaic: 1, Trisomy: 21}, {Sample: "B", Test: true, FF: 0.1, Mosaic: 1}}
	rep, err := Evaluate(truth, loadSummary(t, "sample\tcall21\nA\thigh_risk\nB\tlow_risk\n"), Options{CI: Wilson})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Conditions {
		if (c.Condition == "T21" || c.Condition == "mosaic trisomy") != c.Evaluated {
			t.Errorf("%s evaluated = %v (%s)", c.Condition, c.Evaluated, c.NotEvaluatedReason)
		}
	}
	if c := findCondition(t, rep, "T21"); c.TP != 1 || c.TN != 1 || math.Abs(float64(c.Sensitivity.High)-1) > 1e-12 {
		t.Errorf("T21 %+v", c)
	}
	if rep.FF.Evaluated || rep.CNV.Evaluated || len(rep.ROC) != 0 || rep.Safety.Status != "not_tested" {
		t.Errorf("FF %v CNV %v ROC %d safety %s", rep.FF.Evaluated, rep.CNV.Evaluated, len(rep.ROC), rep.Safety.Status)
	}
	var buf bytes.Buffer
	if err := rep.WriteText(&buf); err != nil || !strings.Contains(buf.String(), "not evaluated: T18 (summary has no call18 column)") {
		t.Errorf("text output:\n%s", buf.String())
	}
}

func TestOptionsInvalid(t *testing.T) {
	truth := []Truth{{Sample: "A", Test: true, FF: 0.1, Mosaic: 1}}
	sum := loadSummary(t, "sample\tcall21\nA\tlow_risk\n")
	for _, o := range []Options{{Confidence: 1.5}, {MinOverlap: 2}, {FFBins: []float64{0.1, 0.05}}, {CI: "bayes"}} {
		if _, err := Evaluate(truth, sum, o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
}
