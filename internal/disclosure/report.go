package disclosure

import (
	"fmt"
	"path/filepath"

	"github.com/nipt/nipt/internal/report/pdffont"
)

// FontHint is the fix suggested when a report font is missing or unusable.
const FontHint = "a TrueType (.ttf) font that covers the laboratory's script, e.g. " +
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf (Debian package fonts-droid-fallback) for Chinese"

// ReportSettings are the laboratory's choices for the report layout
// (the [report] table of the profile).
type ReportSettings struct {
	// FontPath and FontBoldPath are the TrueType fonts the PDF reports
	// embed for their text ([report] font and font_bold; LoadProfile
	// resolves relative paths against the profile's directory). Empty
	// FontPath: the PDF core fonts, which print Latin text only. Empty
	// FontBoldPath: bold text uses the regular face.
	FontPath, FontBoldPath string
	// Font and FontBold are the parsed fonts: LoadProfile loads them; a
	// profile made by ParseProfile or in code leaves them nil, and the
	// report loads FontPath itself.
	Font, FontBold *pdffont.Font
}

// load resolves the font paths of the profile at profilePath and loads
// the fonts, naming the key and the fix on failure.
func (s *ReportSettings) load(profilePath string) error {
	for _, f := range []struct {
		key  string
		path *string
		font **pdffont.Font
	}{{"report.font", &s.FontPath, &s.Font}, {"report.font_bold", &s.FontBoldPath, &s.FontBold}} {
		if *f.path == "" {
			continue
		}
		if !filepath.IsAbs(*f.path) {
			*f.path = filepath.Join(filepath.Dir(profilePath), *f.path)
		}
		ft, err := pdffont.Load(*f.path)
		if err != nil {
			return fmt.Errorf("lab profile %s: %s: %w: set it to %s, or remove it to print with the built-in Latin fonts", profilePath, f.key, err, FontHint)
		}
		*f.font = ft
	}
	return nil
}
