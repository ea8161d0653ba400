package report

import (
	"bytes"
	"encoding/json"
	"html"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/result"
)

// withResidualRisk gives the findings of a fixture the residual risk the
// engine computes (call.ResidualRisk from the qc.toml default prevalence
// and the finding's likelihood ratio, three significant digits as
// analyze writes it): autosomal values only, so a male/female pair keeps
// identical risks.
func withResidualRisk(r *result.Result) *result.Result {
	prev := call.DefaultConfig().Prevalence
	for i, f := range r.Aneuploidies {
		c, _ := genome.ChromIndex(f.Chrom)
		r.Aneuploidies[i].ResidualRisk = sig3(call.ResidualRisk(prev.For(c), f.LogLR))
	}
	return r
}

// TestRiskText: the printed forms, worked out by hand from the rules
// ("1 in N" with N to two significant digits from 100 on; a percentage
// with "1 in N" from 1%; bounds at 1 in a million and 99.9%).
func TestRiskText(t *testing.T) {
	for _, tc := range []struct {
		p    float64
		want string // "" = no usable risk
	}{
		{1.0 / 48000, "1 in 48,000"},
		{2.08e-5, "1 in 48,000"}, // 1/2.08e-5 = 48,077
		{1.19e-5, "1 in 84,000"}, // 84,034
		{0.009, "1 in 110"},      // 111.1
		{1.0 / 252, "1 in 250"},
		{0.0126, "1.3% (1 in 79)"}, // 79.4
		{0.024, "2.4% (1 in 42)"},  // 41.7
		{0.5, "50% (1 in 2)"},
		{0.97, "97% (1 in 1.03)"}, // 1.0309
		{0.994, "99.4% (1 in 1.01)"},
		{0.9996, "> 99.9%"},
		{1, "> 99.9%"},
		{1e-6, "1 in 1,000,000"},
		{9.9e-7, "< 1 in 1,000,000"},
		{1e-300, "< 1 in 1,000,000"},
		{0, ""}, {-0.1, ""}, {1.5, ""}, {math.NaN(), ""}, {math.Inf(1), ""},
	} {
		got, ok := riskText(tc.p)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("riskText(%g) = %q, %v; want %q", tc.p, got, ok, tc.want)
		}
	}
}

// TestFindingRisk: a low-risk and a high-risk call state their risk; a
// no call, a failed QC or a missing risk state none.
func TestFindingRisk(t *testing.T) {
	for _, tc := range []struct {
		name   string
		f      result.Finding
		usable bool
		want   string
	}{
		{"low", result.Finding{Condition: "T18", Call: result.LowRisk, ResidualRisk: 2.08e-5}, true, "Residual risk 1 in 48,000"},
		{"high", result.Finding{Condition: "T21", Call: result.HighRisk, ResidualRisk: 0.97}, true, "Probability of trisomy 21 after the test: 97% (1 in 1.03)"},
		{"no call", result.Finding{Condition: "T13", Call: result.NoCall, ResidualRisk: 0.003}, true, ""},
		{"failed QC", result.Finding{Condition: "T21", Call: result.LowRisk, ResidualRisk: 2.08e-5}, false, ""},
		{"absent (old result.json)", result.Finding{Condition: "T21", Call: result.LowRisk}, true, ""},
	} {
		if got := findingRisk(tc.f, tc.usable); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// riskView is a T21 fixture with a high-risk T21 (97%), a low-risk T18
// (1 in 48,000) and a no-call T13 that carries a risk the report must not
// print.
func riskView(t *testing.T, p *disclosure.Profile) *result.Result {
	t.Helper()
	r := disclosure.Fixture(disclosure.FixtureSpec{Sample: "S7", Sex: "female", Condition: "T21", Seed: 4, BinSize: 5_000_000})
	for i, f := range r.Aneuploidies {
		switch f.Condition {
		case "T21":
			r.Aneuploidies[i].Call, r.Aneuploidies[i].ResidualRisk = result.HighRisk, 0.97
		case "T18":
			r.Aneuploidies[i].Call, r.Aneuploidies[i].ResidualRisk = result.LowRisk, 2.08e-5
		case "T13":
			r.Aneuploidies[i].Call, r.Aneuploidies[i].ResidualRisk = result.NoCall, 0.003
			r.Aneuploidies[i].NoCallReason = "inconclusive: risk after the test is above the low-risk limit"
		default:
			r.Aneuploidies[i].Call, r.Aneuploidies[i].ResidualRisk = result.LowRisk, 3e-6
		}
	}
	v, err := disclosure.Apply(r, p, disclosure.Request{})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var spaces = regexp.MustCompile(`\s+`)

// rowOf returns the text of the HTML table row naming condition name.
func rowOf(page, name string) string {
	i := strings.Index(page, "<td>"+name+"</td>")
	if i < 0 {
		return ""
	}
	j := strings.Index(page[i:], "</tr>")
	return page[i : i+j]
}

// TestRiskInDocuments: the HTML and the PDF (text read back with
// pdftotext, when installed) state the residual risk of the low-risk and
// the high-risk finding with the explanatory note, none for the no call;
// both are byte-identical when made again.
func TestRiskInDocuments(t *testing.T) {
	p := euProfile(t) // screens rare trisomies too
	v := riskView(t, p)
	m, err := NewModel(v, p, "")
	if err != nil {
		t.Fatal(err)
	}
	plots := testPlots(t)
	page, err := SampleHTML(m, plots)
	if err != nil {
		t.Fatal(err)
	}
	text := html.UnescapeString(string(page))
	for name, want := range map[string]string{
		conditionNames[disclosure.T21]: "High risk<div class=\"risk\">Probability of trisomy 21 after the test: 97% (1 in 1.03)</div>",
		conditionNames[disclosure.T18]: "Low risk<div class=\"risk\">Residual risk 1 in 48,000</div>",
		conditionNames[disclosure.RAT]: "Residual risk at most 1 in 330,000 for each chromosome", // 3e-6 = 1 in 333,333
	} {
		if row := rowOf(text, name); !strings.Contains(row, want) {
			t.Errorf("%s row lacks %q:\n%s", name, want, row)
		}
	}
	t13 := rowOf(text, conditionNames[disclosure.T13])
	if !strings.Contains(t13, "No call") || !strings.Contains(t13, "Inconclusive") || strings.Contains(t13, "1 in") || strings.Contains(t13, `class="risk"`) {
		t.Errorf("no-call row states a risk or lacks its reason:\n%s", t13)
	}
	if !strings.Contains(text, "Residual risk (risk after the test): the chance that the fetus has the condition") {
		t.Error("HTML lacks the residual-risk note")
	}
	again, _ := SampleHTML(m, plots)
	if !bytes.Equal(page, again) {
		t.Error("HTML not deterministic")
	}

	pdf, err := SamplePDF(m, plots)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := SamplePDF(m, plots); !bytes.Equal(pdf, again) {
		t.Error("PDF not deterministic")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext (poppler-utils) not installed: PDF text not checked")
		return
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	// The Result column of page 1 alone (pdftotext crops in points: the
	// column spans 53–83 mm from the left edge, 150.2–235.3 pt), read top
	// to bottom: each call followed by its risk, none after the no call
	// (T21, T18, T13, SCA, RAT, CNV in the profile's order).
	out, err := exec.Command("pdftotext", "-f", "1", "-l", "1", "-x", "151", "-y", "0", "-W", "83", "-H", "842", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	col := spaces.ReplaceAllString(string(out), " ")
	want := "Result High risk Probability of trisomy 21 after the test: 97% (1 in 1.03) Low risk Residual risk 1 in 48,000 No call Not detected Low risk Residual risk at most 1 in 330,000 for each chromosome Low risk "
	if !strings.Contains(col, want) {
		t.Errorf("PDF Result column\n%s\nlacks\n%s", col, want)
	}
	if out, err = exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output(); err != nil {
		t.Fatal(err)
	}
	if note := spaces.ReplaceAllString(riskNote, " "); !strings.Contains(spaces.ReplaceAllString(string(out), " "), note) {
		t.Errorf("PDF text lacks the note %q", note)
	}
}

// TestRiskLines: the rare-trisomy line states the probability of a
// suspected trisomy, and the bound of the low-risk ones only when every
// one has a risk; QC failure voids them.
func TestRiskLines(t *testing.T) {
	rat := func(call result.Call, risk float64) result.Finding {
		return result.Finding{Condition: "T16", Chrom: "chr16", Call: call, Z: 1, ResidualRisk: risk, PDetect: 0.99}
	}
	other := result.Finding{Condition: "T7", Chrom: "chr7", Call: result.LowRisk, ResidualRisk: 1e-5, PDetect: 0.99}
	for _, tc := range []struct {
		name string
		fs   []result.Finding
		qc   result.QCStatus
		want string
	}{
		{"suspected", []result.Finding{rat(result.HighRisk, 0.85), other}, result.QCPass, "Probability after the test: trisomy 16 85% (1 in 1.18)"},
		{"low", []result.Finding{rat(result.LowRisk, 2e-5), other}, result.QCPass, "Residual risk at most 1 in 50,000 for each chromosome"},
		{"tiny", []result.Finding{rat(result.LowRisk, 1e-9), {Condition: "T7", Call: result.LowRisk, ResidualRisk: 1e-12}}, result.QCPass, "Residual risk < 1 in 1,000,000 for each chromosome"},
		{"with a no call", []result.Finding{rat(result.NoCall, 0.01), other}, result.QCPass, "Residual risk at most 1 in 100,000 for each chromosome called low risk"},
		{"one risk missing", []result.Finding{rat(result.LowRisk, 0), other}, result.QCPass, ""},
		{"failed QC", []result.Finding{rat(result.HighRisk, 0.85), other}, result.QCFail, ""},
	} {
		l := ratLine(Line{}, &result.Result{Aneuploidies: tc.fs, QC: result.QC{Status: tc.qc}})
		if l.Risk != tc.want {
			t.Errorf("%s: risk %q, want %q", tc.name, l.Risk, tc.want)
		}
	}
}

// TestFHIRResidualRisk: the high-risk T21 and the low-risk T18 carry a
// residual-risk component (probability, UCUM "1"; T21 also coded with
// LOINC 73970-6); the no-call T13 carries none; the SCA none.
func TestFHIRResidualRisk(t *testing.T) {
	p := disclosure.DefaultProfile()
	v := riskView(t, p)
	m, err := NewModel(v, p, "")
	if err != nil {
		t.Fatal(err)
	}
	data, err := FHIRBundle(v, m)
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Entry []struct {
			Resource struct {
				Code      fhirCC          `json:"code"`
				Component []fhirComponent `json:"component"`
			} `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		value float64
		loinc string
	}{"Trisomy 21": {0.97, "73970-6"}, "Trisomy 18": {2.08e-5, ""}, "Trisomy 13": {-1, ""}, "Sex chromosome": {-1, ""}}
	seen := 0
	for _, e := range b.Entry {
		o := e.Resource
		for prefix, w := range want {
			if !strings.HasPrefix(o.Code.Text, prefix) {
				continue
			}
			seen++
			var got *fhirComponent
			for i, c := range o.Component {
				for _, cd := range c.Code.Coding {
					if cd.System == NiptCodeSystem && cd.Code == "residual-risk" {
						got = &o.Component[i]
					}
				}
			}
			switch {
			case w.value < 0 && got != nil:
				t.Errorf("%s: residual-risk component %+v on a no call", prefix, *got)
			case w.value < 0:
			case got == nil:
				t.Errorf("%s: no residual-risk component", prefix)
			case got.ValueQuantity == nil || got.ValueQuantity.Value != w.value || got.ValueQuantity.Code != "1" || got.ValueQuantity.System != ucum:
				t.Errorf("%s: value %+v, want %g (UCUM 1)", prefix, got.ValueQuantity, w.value)
			case w.loinc != "" && (got.Code.Coding[0].System != loinc || got.Code.Coding[0].Code != w.loinc):
				t.Errorf("%s: coding %+v, want LOINC %s first", prefix, got.Code.Coding, w.loinc)
			case w.loinc == "" && len(got.Code.Coding) != 1:
				t.Errorf("%s: coding %+v, want the nipt code only", prefix, got.Code.Coding)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("%d of %d observations found", seen, len(want))
	}
	if again, _ := FHIRBundle(v, m); !bytes.Equal(data, again) {
		t.Error("FHIR bundle not deterministic")
	}
}
