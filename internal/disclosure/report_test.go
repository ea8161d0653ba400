package disclosure

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
)

// TestProfileReportFonts: [report] font and font_bold are resolved against
// the profile's directory and loaded; every problem names the key and the
// fix.
func TestProfileReportFonts(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"regular.ttf": liberationsansregular.TTF,
		"bold.ttf":    liberationsansbold.TTF,
		"page.html":   []byte("<html></html>"),
		"cff.otf":     append([]byte("OTTO"), liberationsansregular.TTF[4:]...),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, table string
		want        []string // error substrings; none = valid
	}{
		{"regular and bold", "font = \"regular.ttf\"\nfont_bold = \"" + filepath.Join(dir, "bold.ttf") + "\"", nil},
		{"regular only", `font = "regular.ttf"`, nil},
		{"missing file", `font = "fonts/none.ttf"`, []string{"report.font", "none.ttf", "fonts-droid-fallback", "remove it"}},
		{"not a font", `font = "page.html"`, []string{"report.font", "page.html", "not a TrueType font"}},
		{"CFF outlines", "font = \"regular.ttf\"\nfont_bold = \"cff.otf\"", []string{"report.font_bold", "CFF"}},
		{"bold without regular", `font_bold = "bold.ttf"`, []string{"report.font_bold is set but report.font is not"}},
		{"empty", `font = ""`, []string{"report.font is empty"}},
		{"unknown key", `fonts = "regular.ttf"`, []string{"unknown key report.fonts", "font, font_bold"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "lab.toml")
			if err := os.WriteFile(path, []byte(validProfile+"[report]\n"+tc.table+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			p, err := LoadProfile(path)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if p.Report.Font == nil || p.Report.FontPath != filepath.Join(dir, "regular.ttf") || !p.Report.Font.Has('A') {
					t.Errorf("regular font not loaded: %+v", p.Report)
				}
				if (p.Report.FontBold != nil) != strings.Contains(tc.table, "font_bold") {
					t.Errorf("bold font: %+v", p.Report)
				}
				return
			}
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error %v, want one containing %q", err, w)
				}
			}
		})
	}
}
