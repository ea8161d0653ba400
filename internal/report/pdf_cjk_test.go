package report

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/report/pdffont"
	"github.com/nipt/nipt/internal/result"
)

// droidPath is the CJK font of Debian's fonts-droid-fallback (.ci/run
// installs it); tests that need it skip without it.
const droidPath = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

const cnLab = "某某医院医学检验科"

// cnProfile is the default profile with a Chinese laboratory, printing
// with font (nil: the core fonts).
func cnProfile(font *pdffont.Font) *disclosure.Profile {
	p := disclosure.DefaultProfile()
	p.Lab = disclosure.Lab{Name: cnLab, Address: "示例市示例路 1 号", Accreditation: "ISO 15189:2022 认可"}
	p.Report.Font = font
	if font != nil {
		p.Report.FontPath = font.Path
	}
	return p
}

func cnView(t *testing.T, p *disclosure.Profile) *Model {
	t.Helper()
	_, m := fixtureModel(t, disclosure.FixtureSpec{Sample: "S1", Sex: "female", Condition: "T21", Seed: 3, BinSize: 5_000_000}, p, "2025-03-01")
	return m
}

// TestPDFChineseLab: with [report] font set to Droid Sans Fallback, the
// Chinese laboratory name is printed with the embedded font (pdftotext, when
// installed, reads it back), the Latin text with the core font, and the
// PDF is byte-identical when made again.
func TestPDFChineseLab(t *testing.T) {
	font, err := pdffont.Load(droidPath)
	if err != nil {
		t.Skipf("%v (Debian package fonts-droid-fallback): skipping", err)
	}
	p := cnProfile(font)
	m := cnView(t, p)
	plots := testPlots(t)
	pdf, err := SamplePDF(m, plots)
	if err != nil {
		t.Fatal(err)
	}
	again, err := SamplePDF(cnView(t, p), plots)
	if err != nil || !bytes.Equal(pdf, again) {
		t.Errorf("PDF not deterministic (%v)", err)
	}
	// An embedded TrueType subset in a Type0 (CID) font.
	for _, s := range []string{"/FontFile2", "/CIDFontType2", "/Identity-H", "/BaseFont /Helvetica"} {
		if !bytes.Contains(pdf, []byte(s)) {
			t.Errorf("PDF lacks %s", s)
		}
	}
	if len(pdf) > 2*len(mustPDF(t, cnView(t, disclosure.DefaultProfile()), plots))+200_000 {
		t.Errorf("PDF of %d bytes: the font is not subset", len(pdf))
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext (poppler-utils) not installed: text not extracted")
		return
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, s := range []string{cnLab, "示例市示例路 1 号", "ISO 15189:2022 认可", "Trisomy 21", "High risk", "Sample S1", "page 1 of"} {
		if !strings.Contains(text, s) {
			t.Errorf("extracted text lacks %q", s)
		}
	}
	if strings.Contains(text, "?") && !strings.Contains(m.Recommendation+strings.Join(m.Limitations, ""), "?") {
		t.Error("extracted text has a question mark the report does not")
	}
}

func mustPDF(t *testing.T, m *Model, plots SamplePlots) []byte {
	t.Helper()
	pdf, err := SamplePDF(m, plots)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// TestPDFUnprintableFails: a Chinese laboratory name with the core fonts,
// or with a Latin-only [report] font, fails with the fix instead of
// printing "?"; the report run fails before anything is written.
func TestPDFUnprintableFails(t *testing.T) {
	for _, tc := range []struct {
		name string
		font *pdffont.Font
		want string
	}{
		{"core fonts", nil, "set [report] font"},
		{"Latin-only font", liberation(t), "neither the [report] font"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := cnProfile(tc.font)
			m := cnView(t, p)
			if _, err := SamplePDF(m, testPlots(t)); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), `"某某医院医学检验科"`) {
				t.Errorf("SamplePDF: error %v, want one containing %q", err, tc.want)
			}
			dir := filepath.Join(t.TempDir(), "run1")
			if err := WriteAnalysisViews(dir, p, disclosure.Request{}, disclosure.Fixture(disclosure.FixtureSpec{Sample: "S1", Sex: "male", Seed: 3, BinSize: 5_000_000})); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "reports")
			if _, err := Generate(t.Context(), Options{Profile: p, OutDir: out}, dir); err == nil || !strings.Contains(err.Error(), "lab.name") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Generate: error %v", err)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("report directory created despite the error")
			}
		})
	}
}

// TestChineseLabHTMLAndFHIR: the batch report and the FHIR bundle carry
// the Chinese laboratory name as it is (UTF-8, not escaped or replaced).
func TestChineseLabHTMLAndFHIR(t *testing.T) {
	p := cnProfile(nil)
	v, m := fixtureModel(t, disclosure.FixtureSpec{Sample: "S1", Sex: "female", Seed: 3, BinSize: 5_000_000}, p, "")
	html, err := SampleHTML(m, testPlots(t))
	if err != nil {
		t.Fatal(err)
	}
	batch, err := BatchHTML([]BatchViews{{ID: "run1", Views: []*result.Result{v}}}, p, "")
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string][]byte{"sample HTML": html, "batch HTML": batch} {
		if !bytes.Contains(doc, []byte(`<meta charset="utf-8">`)) || !bytes.Contains(doc, []byte(cnLab)) {
			t.Errorf("%s lacks the UTF-8 declaration or the laboratory name", name)
		}
	}
	fhir, err := FHIRBundle(v, m)
	if err != nil {
		t.Fatal(err)
	}
	var bundle struct {
		Entry []struct {
			Resource struct {
				ResourceType string `json:"resourceType"`
				Name         string `json:"name"`
			} `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(fhir, &bundle); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range bundle.Entry {
		found = found || (e.Resource.ResourceType == "Organization" && e.Resource.Name == cnLab)
	}
	if !found || !bytes.Contains(fhir, []byte(cnLab)) {
		t.Error("FHIR Organization does not carry the laboratory name verbatim")
	}
}

// testPlots are small stand-in PNGs with the aspect ratios of the real
// plots (docs/reports.md), so PDF tests need not render gonum plots.
func testPlots(t testing.TB) SamplePlots {
	t.Helper()
	mk := func(w, h int) []byte {
		img := image.NewGray(image.Rect(0, 0, w, h))
		for i := range img.Pix {
			img.Pix[i] = uint8(i * 7)
		}
		img.SetGray(0, 0, color.Gray{Y: 255})
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	return SamplePlots{Genome: mk(140, 64), ChromZ: mk(138, 36), Panels: mk(136, 100)}
}

// TestExampleCNProfileReports: examples/lab-profile-cn.toml (Chinese
// laboratory, [report] font) gives complete reports.
func TestExampleCNProfileReports(t *testing.T) {
	if _, err := os.Stat(droidPath); err != nil {
		t.Skipf("%s absent (Debian package fonts-droid-fallback): skipping", droidPath)
	}
	p, err := disclosure.LoadProfile(filepath.Join("..", "..", "examples", "lab-profile-cn.toml"))
	if err != nil {
		t.Fatal(err)
	}
	p.Audit = &disclosure.MemoryAuditLog{}
	dir := filepath.Join(t.TempDir(), "run1")
	if err := WriteAnalysisViews(dir, p, disclosure.Request{}, disclosure.Fixture(disclosure.FixtureSpec{Sample: "S1", Sex: "male", Seed: 3, BinSize: 5_000_000})); err != nil {
		t.Fatal(err)
	}
	f, err := GenerateFiles(t.Context(), Options{Profile: p, OutDir: filepath.Join(t.TempDir(), "reports")}, dir)
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := os.ReadFile(f.Samples[0].PDF)
	if err != nil || !bytes.Contains(pdf, []byte("/FontFile2")) {
		t.Errorf("PDF without the embedded font (%v)", err)
	}
	for _, path := range []string{f.BatchHTML, f.Samples[0].HTML, f.Samples[0].FHIR} {
		if data, err := os.ReadFile(path); err != nil || !bytes.Contains(data, []byte(p.Lab.Name)) {
			t.Errorf("%s lacks the laboratory name (%v)", filepath.Base(path), err)
		}
	}
}
