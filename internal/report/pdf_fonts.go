package report

import (
	"fmt"
	"strings"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/report/pdffont"
)

// reportFonts returns the PDF fonts of profile p: those LoadProfile
// loaded, or, for a profile made in code or by ParseProfile, the files its
// paths name.
func reportFonts(p *disclosure.Profile) (font, bold *pdffont.Font, err error) {
	rs := p.Report
	load := func(key, path string, ft *pdffont.Font) (*pdffont.Font, error) {
		if ft != nil || path == "" {
			return ft, nil
		}
		ft, err := pdffont.Load(path)
		if err != nil {
			return nil, fmt.Errorf("lab profile %q: %s: %w: set it to %s", p.Name, key, err, disclosure.FontHint)
		}
		return ft, nil
	}
	if font, err = load("report.font", rs.FontPath, rs.Font); err != nil {
		return nil, nil, err
	}
	if bold, err = load("report.font_bold", rs.FontBoldPath, rs.FontBold); err != nil {
		return nil, nil, err
	}
	if bold != nil && font == nil {
		return nil, nil, fmt.Errorf("lab profile %q: report.font_bold is set but report.font is not: set report.font (the regular face) too", p.Name)
	}
	return font, bold, nil
}

// printable reports whether the PDF can print r with font (nil: core
// fonts only): the font has a glyph, or the core font's code page 1252
// has r or pdfASCII spells it out.
func printable(r rune, font *pdffont.Font) bool {
	if font != nil && font.Has(r) {
		return true
	}
	_, ok := cp1252(r)
	return ok || pdfASCII[r] != "" || r == '\n' || r == '\t' || r == '\r'
}

// checkProfileText fails when a text of profile p that every PDF prints
// (laboratory, profile name, performance basis) has characters the PDF
// fonts cannot print, before any result is disclosed or file written.
func checkProfileText(p *disclosure.Profile) error {
	font, bold, err := reportFonts(p)
	if err != nil {
		return err
	}
	texts := []struct{ key, s string }{
		{"profile", p.Name}, {"lab.name", p.Lab.Name}, {"lab.address", p.Lab.Address},
		{"lab.contact", p.Lab.Contact}, {"lab.accreditation", p.Lab.Accreditation},
	}
	for _, perf := range p.Performance {
		texts = append(texts, struct{ key, s string }{"performance." + perf.Condition + ".basis", perf.Basis})
	}
	for _, t := range texts {
		var bad []string
		seen := map[rune]bool{}
		for _, r := range t.s {
			ok := printable(r, font)
			if bold != nil {
				ok = ok && printable(r, bold) // printed in both faces
			}
			if !ok && !seen[r] && len(bad) < 8 {
				seen[r] = true
				bad = append(bad, fmt.Sprintf("%q", r))
			}
		}
		if len(bad) == 0 {
			continue
		}
		if font == nil {
			return fmt.Errorf("lab profile %q: %s has characters the built-in PDF fonts cannot print (%s): set [report] font in the profile to %s", p.Name, t.key, strings.Join(bad, ", "), disclosure.FontHint)
		}
		return fmt.Errorf("lab profile %q: %s has characters that neither the [report] fonts nor the built-in PDF fonts can print (%s): choose a [report] font that covers them", p.Name, t.key, strings.Join(bad, ", "))
	}
	return nil
}
