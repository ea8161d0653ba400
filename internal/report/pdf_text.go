package report

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/encoding/charmap"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/report/pdffont"
)

// The PDF prints every character with the laboratory's TrueType font
// ([report] font) when that font has a glyph for it, and otherwise with
// the PDF core font Helvetica, whose encoding (code page 1252) covers
// Western European text. A CJK font such as Droid Sans Fallback has no
// Latin letters, so a report mixes the two within one line; fpdf's
// MultiCell takes one font per call, hence the line breaking below.
// A character neither font can print is an error, never a "?" or a dot.

const (
	coreFamily = "Helvetica"
	labFamily  = "lab"
)

// pdfASCII spells out symbols code page 1252 lacks; free text from the
// engine (no-call and QC reasons) may contain them. Used only where the
// lab font has no glyph for them.
var pdfASCII = map[rune]string{'≥': ">=", '≤': "<=", '−': "-", '≈': "~", '→': "->", 'κ': "kappa", 'σ': "SD"}

// piece is text printed in one font: UTF-8 for the lab font, code page
// 1252 bytes for the core font.
type piece struct {
	text string
	lab  bool
	w    float64
}

// atom is a unit the line breaker does not split: a word, or one CJK
// character with the punctuation attached to it.
type atom struct {
	pieces []piece
	w      float64
	space  int  // spaces before it (dropped at a line start)
	brk    bool // a forced line break precedes it
}

// labFont returns the lab font for the current style, nil if none.
func (d *pdfDoc) labFont() *pdffont.Font {
	if d.style == "B" && d.labBold != nil {
		return d.labBold
	}
	return d.lab
}

// face selects the lab or the core font in the current style and size.
func (d *pdfDoc) face(lab bool) {
	style := d.style
	if lab && d.labBold == nil {
		style = "" // no bold face given: bold text uses the regular one
	}
	fam := coreFamily
	if lab {
		fam = labFamily
	}
	d.Fpdf.SetFont(fam, style, d.size)
}

// setFont sets the style ("" or "B") and size (pt) of the following text.
func (d *pdfDoc) setFont(style string, size float64) {
	d.style, d.size = style, size
	d.face(false)
}

// cp1252 encodes r for the core font; C0 and C1 controls are refused.
func cp1252(r rune) (byte, bool) {
	if r < 0x20 || (r >= 0x7f && r < 0xa0) {
		return 0, false
	}
	return charmap.Windows1252.EncodeRune(r)
}

// pieces splits s into runs of one font. coreOnly keeps the core font
// (the page-count alias must stay in code page 1252). Characters no font
// can print are collected in d.missing and left out.
func (d *pdfDoc) pieces(s string, coreOnly bool) []piece {
	var out []piece
	add := func(text string, lab bool) {
		if n := len(out); n > 0 && out[n-1].lab == lab {
			out[n-1].text += text
			return
		}
		out = append(out, piece{text: text, lab: lab})
	}
	lf := d.labFont()
	for _, r := range s {
		switch {
		case lf != nil && !coreOnly && lf.Has(r):
			add(string(r), true)
		case pdfASCII[r] != "":
			add(pdfASCII[r], false)
		default:
			if b, ok := cp1252(r); ok {
				add(string([]byte{b}), false)
			} else {
				d.unprintable(s, r)
			}
		}
	}
	for i := range out {
		d.face(out[i].lab)
		out[i].w = d.GetStringWidth(out[i].text)
	}
	return out
}

// unprintable records a character no font of the document can print.
func (d *pdfDoc) unprintable(s string, r rune) {
	if d.missing == nil {
		d.missing = map[rune]bool{}
	}
	if !d.missing[r] {
		d.missing[r] = true
		d.missingOrder = append(d.missingOrder, r)
		if d.missingText == "" {
			d.missingText = s
			if d.context != "" {
				d.missingText = d.context
			}
		}
	}
}

// missingErr explains the characters that could not be printed, with the fix.
func (d *pdfDoc) missingErr() error {
	if len(d.missingOrder) == 0 {
		return nil
	}
	chars := make([]string, 0, 8)
	for i, r := range d.missingOrder {
		if i == 8 {
			chars = append(chars, "…")
			break
		}
		chars = append(chars, fmt.Sprintf("%q (U+%04X)", r, r))
	}
	text := []rune(d.missingText)
	if len(text) > 60 {
		text = append(text[:60], '…')
	}
	if d.lab == nil {
		return fmt.Errorf("the text %q has characters the built-in PDF fonts cannot print (%s): set [report] font in the lab profile to %s", string(text), strings.Join(chars, ", "), disclosure.FontHint)
	}
	return fmt.Errorf("the text %q has characters that neither the [report] font %s nor the built-in PDF fonts can print (%s): choose a [report] font that covers them", string(text), d.lab.Path, strings.Join(chars, ", "))
}

// wide reports whether a line may break before and after r: ideographs,
// kana, hangul and CJK punctuation (UAX #14 classes ID and CJ, roughly).
func wide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

// Punctuation that may not begin (closing) or end (opening) a line
// (GB/T 15834-2011 and JIS X 4051 line-breaking rules).
const (
	noLineStart = "，。、；：？！）」』】》〉〕］｝’”…·%,.;:?!)]}"
	noLineEnd   = "（「『【《〈〔［｛‘“([{"
)

// atoms splits s into unbreakable units; an atom wider than maxW is cut
// between characters.
func (d *pdfDoc) atoms(s string, maxW float64, coreOnly bool) []atom {
	var out []atom
	var cur strings.Builder
	// space, brk: what precedes the next atom; glue: no break after the
	// last character; lastWide: a break is allowed after it.
	space, brk, glue, lastWide := 0, false, false, false
	flush := func() {
		if cur.Len() == 0 {
			return
		}
		out = append(out, d.atom(cur.String(), space, brk, maxW, coreOnly)...)
		cur.Reset()
		space, brk = 0, false
	}
	for _, r := range strings.ReplaceAll(strings.ReplaceAll(s, "\r", ""), "\t", " ") {
		switch {
		case r == '\n':
			flush()
			brk, glue, lastWide = true, false, false
			continue
		case r == ' ':
			flush()
			space++
			glue, lastWide = false, false
			continue
		case glue || strings.ContainsRune(noLineStart, r):
			// stays with the previous character
		case wide(r) || lastWide:
			flush()
		}
		cur.WriteRune(r)
		glue, lastWide = strings.ContainsRune(noLineEnd, r), wide(r)
	}
	flush()
	return out
}

// atom builds the atom(s) of one word.
func (d *pdfDoc) atom(word string, space int, brk bool, maxW float64, coreOnly bool) []atom {
	a := atom{pieces: d.pieces(word, coreOnly), space: space, brk: brk}
	for _, p := range a.pieces {
		a.w += p.w
	}
	if a.w <= maxW || len([]rune(word)) < 2 {
		return []atom{a}
	}
	// Too wide for a line: cut it where it fills the line.
	rs := []rune(word)
	n := 1
	for n < len(rs) {
		w := 0.0
		for _, p := range d.pieces(string(rs[:n+1]), coreOnly) {
			w += p.w
		}
		if w > maxW {
			break
		}
		n++
	}
	head := d.atom(string(rs[:n]), space, brk, maxW, coreOnly)
	return append(head, d.atom(string(rs[n:]), 0, false, maxW, coreOnly)...)
}

// line is a laid-out line: its pieces (spaces included) and width.
type line struct {
	pieces []piece
	w      float64
}

// wrap breaks s into lines no wider than maxW.
func (d *pdfDoc) wrap(s string, maxW float64, coreOnly bool) []line {
	d.context = s
	defer func() { d.context = "" }()
	var lines []line
	var cur line
	started := false
	for _, a := range d.atoms(s, maxW, coreOnly) {
		var sp piece
		if a.space > 0 && len(cur.pieces) > 0 {
			sp = d.spaces(a.space, cur.pieces[len(cur.pieces)-1].lab)
		}
		if started && (a.brk || (len(cur.pieces) > 0 && cur.w+sp.w+a.w > maxW)) {
			lines = append(lines, cur)
			cur, sp = line{}, piece{}
		}
		started = true
		if sp.text != "" {
			cur.add(sp)
		}
		for _, p := range a.pieces {
			cur.add(p)
		}
	}
	return append(lines, cur)
}

// spaces are n spaces in the lab font (when the text before them is in it
// and it has a space glyph) or the core font.
func (d *pdfDoc) spaces(n int, lab bool) piece {
	lab = lab && d.labFont().Has(' ')
	d.face(lab)
	s := strings.Repeat(" ", n)
	return piece{text: s, lab: lab, w: d.GetStringWidth(s)}
}

func (l *line) add(p piece) {
	l.w += p.w
	if n := len(l.pieces); n > 0 && l.pieces[n-1].lab == p.lab {
		l.pieces[n-1].text += p.text
		l.pieces[n-1].w += p.w
		return
	}
	l.pieces = append(l.pieces, p)
}

// draw prints l in a cell of width w and height h at (x, y), left-aligned
// or centred ("C"), with the cell margin and baseline of fpdf's CellFormat.
func (d *pdfDoc) draw(l line, x, y, w, h float64, align string) {
	x += d.GetCellMargin()
	if align == "C" {
		x += (w - 2*d.GetCellMargin() - l.w) / 2
	}
	for _, p := range l.pieces {
		d.face(p.lab)
		_, size := d.GetFontSize()
		d.Text(x, y+0.5*h+0.3*size, p.text)
		x += p.w
	}
}

// block prints s wrapped to width w from the current position in lines of
// height h, breaking the page where needed, and moves below it (as
// MultiCell without border).
func (d *pdfDoc) block(w, h float64, s string) {
	x, y := d.GetXY()
	for _, l := range d.wrap(s, w-2*d.GetCellMargin(), false) {
		if y+h > pdfBottom {
			d.AddPage()
			y = d.GetY()
		}
		d.draw(l, x, y, w, h, "L")
		y += h
	}
	d.SetXY(pdfMargin, y)
}

// lineCount is the number of lines block prints s in.
func (d *pdfDoc) lineCount(s string, w float64) int {
	return len(d.wrap(s, w-2*d.GetCellMargin(), false))
}
