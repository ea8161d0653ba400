package pdffont

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
)

// MaxSize bounds the font files read: the largest single TrueType fonts
// in common use are pan-Unicode or CJK fonts of 4–25 MB (Droid Sans
// Fallback Full 4 MB, Arial Unicode MS 23 MB); 64 MiB leaves room and
// still refuses a wrong file (an image, an archive) before reading it all.
const MaxSize = 64 << 20

// Font is a parsed TrueType font. It is safe for concurrent use.
type Font struct {
	// Path is the file the font came from (empty for Parse).
	Path string
	// Data is the font file, as embedded (subset) by the PDF writer.
	Data []byte
	sf   *sfnt.Font
}

// probe holds characters of common scripts (Latin, Han, Hiragana, Hangul,
// Cyrillic, Greek, Arabic, Devanagari): a text font maps at least one.
const probe = "A中あ가Жαاक"

// Load reads and checks the TrueType font at path.
func Load(path string) (*Font, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a font file", path)
	}
	if st.Size() > MaxSize {
		return nil, fmt.Errorf("%s has %d bytes, more than any TrueType font (limit %d): is it a font file?", path, st.Size(), MaxSize)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	ft, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	ft.Path = path
	return ft, nil
}

// Parse checks that data is a TrueType font the PDF writer can embed.
func Parse(data []byte) (*Font, error) {
	if len(data) < 12 {
		return nil, errors.New("not a TrueType font (file too short)")
	}
	switch tag := binary.BigEndian.Uint32(data); tag {
	case 0x00010000, 0x74727565: // TrueType outlines: 1.0 and 'true'
	case 0x4f54544f: // 'OTTO'
		return nil, errors.New("an OpenType font with PostScript (CFF) outlines, which the PDF writer cannot embed: use a TrueType font (.ttf with glyf outlines)")
	case 0x74746366: // 'ttcf'
		return nil, errors.New("a font collection (.ttc), which the PDF writer cannot embed: use a single TrueType font (.ttf)")
	default:
		return nil, errors.New("not a TrueType font (unknown sfnt version tag): use a .ttf file")
	}
	sf, err := sfnt.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("not a valid TrueType font: %w", err)
	}
	f := &Font{Data: data, sf: sf}
	var sample strings.Builder
	for _, r := range probe {
		if f.Has(r) {
			sample.WriteRune(r)
		}
	}
	if sample.Len() == 0 {
		return nil, fmt.Errorf("the font maps none of the characters %q (Latin, Han, Kana, Hangul, Cyrillic, Greek, Arabic, Devanagari): is it a symbol font?", probe)
	}
	if err := trial(data, sample.String()); err != nil {
		return nil, err
	}
	return f, nil
}

// Has reports whether the font has a glyph for r.
func (f *Font) Has(r rune) bool {
	g, err := f.sf.GlyphIndex(nil, r)
	return err == nil && g != 0
}

// trial embeds the font in a throw-away one-page document that prints s.
// The PDF library reads the font tables without bounds checks, so a
// damaged table panics inside it; that is turned into an error here.
func trial(data []byte, s string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the PDF writer cannot read this TrueType font (%v): use another .ttf file", r)
		}
	}()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("probe", "", data)
	pdf.AddPage()
	pdf.SetFont("probe", "", 10)
	pdf.Text(10, 10, s)
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return fmt.Errorf("the PDF writer cannot embed this TrueType font: %w", err)
	}
	return nil
}
