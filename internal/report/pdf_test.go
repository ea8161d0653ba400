package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/report/pdffont"
)

// testDoc is a one-page document with the given lab font (nil: core only).
func testDoc(t *testing.T, font *pdffont.Font) *pdfDoc {
	t.Helper()
	d, err := newPDFDoc(&Model{Font: font})
	if err != nil {
		t.Fatal(err)
	}
	d.AddPage()
	d.setFont("", 9)
	return d
}

func liberation(t *testing.T) *pdffont.Font {
	t.Helper()
	f, err := pdffont.Parse(liberationsansregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestPDFPieces: with the core fonts, symbols outside code page 1252 are
// spelled out and those inside it (en dash, plus-minus, bullet) kept as
// their cp1252 bytes; a character neither can print is an error naming
// the fix. With a lab font, the characters it has are printed with it.
func TestPDFPieces(t *testing.T) {
	lib := liberation(t)
	for _, tc := range []struct {
		name string
		font *pdffont.Font
		in   string
		want []piece // text and font; widths not compared
		err  string
	}{
		{"core, spelled out", nil, "p ≥ 95%, z − 3 ≤ 0", []piece{{text: "p >= 95%, z - 3 <= 0"}}, ""},
		{"core, cp1252 bytes", nil, "8.7% – 16.0% ± •", []piece{{text: "8.7% \x96 16.0% \xb1 \x95"}}, ""},
		{"core, Chinese", nil, "某某医院 lab", []piece{{text: " lab"}}, "set [report] font"},
		{"Liberation, Latin and symbols", lib, "8.7% – 16.0% ≥ κ", []piece{{text: "8.7% – 16.0% ≥ κ", lab: true}}, ""},
		{"Liberation, Chinese", lib, "某医院 ab", []piece{{text: " ab", lab: true}}, "neither the [report] font"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := testDoc(t, tc.font)
			got := d.pieces(tc.in, false)
			if len(got) != len(tc.want) {
				t.Fatalf("pieces %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i].text != tc.want[i].text || got[i].lab != tc.want[i].lab || !(got[i].w > 0) {
					t.Errorf("piece %d: %+v, want %+v", i, got[i], tc.want[i])
				}
			}
			err := d.missingErr()
			if (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("error %v, want %q", err, tc.err)
			}
		})
	}
}

// TestPDFWrap: lines never exceed the width, no text is lost, Latin words
// stay whole, CJK text breaks between characters and closing punctuation
// never begins a line.
func TestPDFWrap(t *testing.T) {
	text := map[string]string{
		"latin": "Detection rate (DR), specificity, positive and negative predictive values (PPV, NPV) are this laboratory's figures.",
		"cjk":   "本检测为筛查，不是诊断。高风险结果须经羊膜腔穿刺或绒毛取样确诊，并建议遗传咨询；低风险结果不能完全排除所筛查的疾病。",
		"mixed": "某某医院医学检验科 Laboratory of Medicine, ISO 15189:2022 认可（证书编号 CNAS-ML0000）。",
		"long":  "S-0123456789-0123456789-0123456789-0123456789-0123456789-0123456789-0123456789",
	}
	fonts := map[string]*pdffont.Font{"core": nil, "liberation": liberation(t)}
	if droid, err := pdffont.Load(droidPath); err == nil {
		fonts["droid"] = droid
	}
	for fname, font := range fonts {
		for name, s := range text {
			if font == nil && name != "latin" && name != "long" {
				continue // not printable with the core fonts
			}
			if font != nil && font.Path == "" && (name == "cjk" || name == "mixed") {
				continue // Liberation has no Han glyphs
			}
			d := testDoc(t, font)
			const w = 60.0
			lines := d.wrap(s, w, false)
			var all []string
			for i, l := range lines {
				if l.w > w+1e-9 {
					t.Errorf("%s/%s: line %d is %.2f mm wide, limit %.0f", fname, name, i, l.w, w)
				}
				txt := ""
				for _, p := range l.pieces {
					txt += p.text
				}
				if r, _ := utf8.DecodeRuneInString(txt); i > 0 && strings.ContainsRune("，。、；）", r) {
					t.Errorf("%s/%s: line %d begins with %q", fname, name, i, r)
				}
				all = append(all, txt)
			}
			nospace := func(s string) string { return strings.ReplaceAll(s, " ", "") }
			if nospace(strings.Join(all, "")) != nospace(s) || (name == "latin" && strings.Join(all, " ") != s) {
				t.Errorf("%s/%s: lines %q do not rejoin to the text", fname, name, all)
			}
			if name == "latin" && len(lines) < 3 {
				t.Errorf("%s/%s: %d lines for %d characters at %.0f mm", fname, name, len(lines), len(s), w)
			}
			if err := d.missingErr(); err != nil {
				t.Errorf("%s/%s: %v", fname, name, err)
			}
		}
	}
}

// TestPDFCoreFontsUnchanged: with the core fonts the text of a PDF is the
// code-page-1252 text fpdf's own translator gives.
func TestPDFCoreFontsUnchanged(t *testing.T) {
	tr := fpdf.New("P", "mm", "A4", "").UnicodeTranslatorFromDescriptor("")
	d := testDoc(t, nil)
	s := "Fetal fraction 9.8% (95% interval 7.4% – 12.2%) · Ø é ü ß"
	if got := d.pieces(s, false); len(got) != 1 || got[0].text != tr(s) {
		t.Errorf("pieces %+v, want %q", got, tr(s))
	}
}

// TestPDFBoldFace: font_bold is embedded beside font; without it, bold
// text uses the regular face (one embedded font).
func TestPDFBoldFace(t *testing.T) {
	bold, err := pdffont.Parse(liberationsansbold.TTF)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		bold *pdffont.Font
		want int
	}{{nil, 1}, {bold, 2}} {
		p := disclosure.DefaultProfile()
		p.Report.Font, p.Report.FontBold = liberation(t), tc.bold
		_, m := fixtureModel(t, disclosure.FixtureSpec{Sample: "S1", Sex: "female", Seed: 3, BinSize: 5_000_000}, p, "")
		pdf, err := SamplePDF(m, testPlots(t))
		if err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(pdf, []byte("/FontFile2")); n != tc.want {
			t.Errorf("bold face %v: %d embedded fonts, want %d", tc.bold != nil, n, tc.want)
		}
	}
}
