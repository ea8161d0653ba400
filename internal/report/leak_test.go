package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
)

// sexWords are strings no sex-blind output may contain (case-insensitive
// "male" also catches "female"); typed SCA results are checked separately.
var sexWords = regexp.MustCompile(`(?i:male|chr[xy]\b|fetal_sex|fetal sex)|XY|XX`)

// dataURI strips embedded images (base64 text contains any letter pair).
var dataURI = regexp.MustCompile(`data:image/png;base64,(?:[A-Za-z0-9+/=]|&#43;)+`)

// scaTypes are masked where the policy names the SCA type: 47,XXY (male
// fixture) and 47,XXX (female fixture) differ by design under report_type.
var scaTypes = regexp.MustCompile(`47,XX[XY]`)

type leakCase struct {
	name  string
	fs    disclosure.FetalSexPolicy
	req   disclosure.Request
	sca   disclosure.SCAPolicy
	cond  string
	typed bool // the SCA type is named (report_type and an SCA)
}

func leakCases() []leakCase {
	blind := []struct {
		name string
		fs   disclosure.FetalSexPolicy
		req  disclosure.Request
	}{
		{"never", disclosure.FetalSexNever, disclosure.Request{SexRequested: true, Indication: "Haemophilia A (X-linked)", Requester: "dr.a"}},
		{"indication-missing", disclosure.FetalSexMedicalIndication, disclosure.Request{SexRequested: true, Requester: "dr.a"}},
		{"not-requested", disclosure.FetalSexOnRequest, disclosure.Request{Requester: "dr.a"}},
	}
	var out []leakCase
	for _, b := range blind {
		for _, sca := range []disclosure.SCAPolicy{disclosure.SCAOff, disclosure.SCAReportPresence, disclosure.SCAReportType} {
			for _, cond := range []string{"euploid", "T21", "SCA"} {
				out = append(out, leakCase{fmt.Sprintf("%s/%s/%s", b.name, sca, cond), b.fs, b.req, sca, cond,
					sca == disclosure.SCAReportType && cond == "SCA"})
			}
		}
	}
	return out
}

func leakProfile(fs disclosure.FetalSexPolicy, sca disclosure.SCAPolicy) *disclosure.Profile {
	p := disclosure.DefaultProfile()
	p.Name, p.FetalSex, p.SCA = "leak-test", fs, sca
	p.Audit = &disclosure.MemoryAuditLog{}
	if sca == disclosure.SCAOff {
		p.Conditions = []string{disclosure.T21, disclosure.T18, disclosure.T13}
		p.Performance = p.Performance[:3]
	}
	return p
}

// textOutputs renders every text output of one view.
func textOutputs(t *testing.T, v *result.Result, m *Model) map[string]string {
	t.Helper()
	js, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	row, err := SummaryRow(v)
	if err != nil {
		t.Fatal(err)
	}
	fhir, err := FHIRBundle(v, m)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := MultiQCGeneralStats([]*result.Result{v})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := MultiQCScatter([]*result.Result{v})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"result.json": string(js), "summary row": strings.Join(row, "\t"), "fhir": string(fhir),
		"multiqc stats": string(stats), "multiqc scatter": string(sc), "bins.tsv": binsTSV(v.Bins)}
}

// TestSexBlindOutputsIdentical builds male/female pairs with identical
// non-sex values and requires byte-identical sex-blind outputs.
func TestSexBlindOutputsIdentical(t *testing.T) {
	t.Parallel()
	for _, tc := range leakCases() {
		t.Run(tc.name, func(t *testing.T) {
			p := leakProfile(tc.fs, tc.sca)
			out := map[string]map[string]string{}
			for _, sex := range []string{"male", "female"} {
				r := withResidualRisk(disclosure.Fixture(disclosure.FixtureSpec{Sample: "S1", Sex: sex, Condition: tc.cond, Seed: 11, BinSize: 5_000_000}))
				v, err := disclosure.Apply(r, p, tc.req)
				if err != nil {
					t.Fatal(err)
				}
				m, err := NewModel(v, p, "")
				if err != nil {
					t.Fatal(err)
				}
				o := textOutputs(t, v, m)
				// The residual risks are part of what is compared.
				if !strings.Contains(o["fhir"], `"code": "residual-risk"`) || m.RiskNote == "" {
					t.Error("no residual risk in the outputs")
				}
				// Whole documents (plots included) cost ~0.3 s each: every
				// never case, and the SCA cases of the other blind policies
				// unless -short (their views are already compared above).
				if tc.fs == disclosure.FetalSexNever || (tc.cond == "SCA" && !testing.Short()) {
					plots, err := NewSamplePlots(v)
					if err != nil {
						t.Fatal(err)
					}
					html, err := SampleHTML(m, plots)
					if err != nil {
						t.Fatal(err)
					}
					o["html"] = string(html)
					if !tc.typed { // the PDF compresses its text: no masking possible
						pdf, err := SamplePDF(m, plots)
						if err != nil {
							t.Fatal(err)
						}
						o["pdf"] = string(pdf)
					}
				}
				out[sex] = o
				if audits := len(p.Audit.(*disclosure.MemoryAuditLog).Entries); audits != 0 {
					t.Errorf("%d audit entries for a sex-blind report", audits)
				}
			}
			for name, male := range out["male"] {
				female := out["female"][name]
				if tc.typed {
					male, female = scaTypes.ReplaceAllString(male, "TYPE"), scaTypes.ReplaceAllString(female, "TYPE")
				}
				if male != female {
					t.Errorf("%s differs between a male and a female fetus:\n%s", name, diffAt(male, female))
				}
				if name == "pdf" {
					continue // compressed streams: checked by equality only
				}
				text := dataURI.ReplaceAllString(male, "")
				if tc.typed {
					text = scaTypes.ReplaceAllString(text, "TYPE")
				}
				if loc := sexWords.FindStringIndex(text); loc != nil {
					t.Errorf("%s contains %q: …%s…", name, text[loc[0]:loc[1]], text[max(0, loc[0]-60):min(len(text), loc[1]+60)])
				}
			}
			if len(out["male"]) != len(out["female"]) {
				t.Error("different sets of outputs")
			}
		})
	}
}

func diffAt(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(i-100, 0)
	return fmt.Sprintf("male:   …%q\nfemale: …%q", a[lo:min(i+100, len(a))], b[lo:min(i+100, len(b))])
}

// TestSexBlindReportDirsIdentical runs the whole report generation for a
// batch of male fetuses and the same batch of female fetuses: the report
// directories must hold the same files with the same bytes.
func TestSexBlindReportDirsIdentical(t *testing.T) {
	t.Parallel()
	dirs := map[string]string{}
	for _, sex := range []string{"male", "female"} {
		var rs []*result.Result
		for i, c := range []string{"euploid", "T21", "SCA", "lowff"} {
			rs = append(rs, withResidualRisk(disclosure.Fixture(disclosure.FixtureSpec{Sample: fmt.Sprintf("S%d", i+1), Sex: sex, Condition: c, Seed: uint64(20 + i), BinSize: 5_000_000})))
		}
		in := filepath.Join(t.TempDir(), "run1")
		if err := WriteAnalysisViews(in, disclosure.DefaultProfile(), disclosure.Request{}, rs...); err != nil {
			t.Fatal(err)
		}
		dirs[sex] = filepath.Join(t.TempDir(), "reports")
		if _, err := Generate(context.Background(), Options{OutDir: dirs[sex], Threads: 2}, in); err != nil {
			t.Fatal(err)
		}
	}
	male, female := readTree(t, dirs["male"]), readTree(t, dirs["female"])
	if len(male) != len(female) || len(male) != 4*3+3 {
		t.Fatalf("%d files for the male batch, %d for the female batch, want 15 each", len(male), len(female))
	}
	for name, data := range male {
		if !bytes.Equal(data, female[name]) {
			t.Errorf("%s differs between the male and the female batch", name)
		}
	}
}

func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(root, path)
		out[rel] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDisclosedReportsNameSex checks the other side: when the policy allows
// it, the report states the sex and the disclosure is audited.
func TestDisclosedReportsNameSex(t *testing.T) {
	for _, tc := range []struct {
		fs  disclosure.FetalSexPolicy
		req disclosure.Request
	}{
		{disclosure.FetalSexOnRequest, disclosure.Request{SexRequested: true, Requester: "dr.b"}},
		{disclosure.FetalSexMedicalIndication, disclosure.Request{Indication: "Duchenne muscular dystrophy (X-linked)", Requester: "dr.b"}},
	} {
		p := leakProfile(tc.fs, disclosure.SCAReportType)
		for _, sex := range []string{"male", "female"} {
			r := disclosure.Fixture(disclosure.FixtureSpec{Sample: "S1", Sex: sex, Seed: 3, BinSize: 5_000_000, SexAware: true})
			v, err := disclosure.Apply(r, p, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			m, err := NewModel(v, p, "")
			if err != nil {
				t.Fatal(err)
			}
			fhir, err := FHIRBundle(v, m)
			if err != nil {
				t.Fatal(err)
			}
			word := strings.ToUpper(sex[:1]) + sex[1:]
			if !strings.HasPrefix(m.SexStatement, word) || !strings.Contains(string(fhir), `"text": "`+sex+`"`) {
				t.Errorf("%s/%s: statement %q; fhir lacks the sex", tc.fs, sex, m.SexStatement)
			}
		}
		if n := len(p.Audit.(*disclosure.MemoryAuditLog).Entries); n != 2 {
			t.Errorf("%s: %d audit entries, want 2", tc.fs, n)
		}
	}
}
