// Package pdffont loads a TrueType font for the PDF reports and answers
// which characters it can print.
//
// The PDF core fonts (Helvetica and its bold face, PDF 1.7 ISO 32000-1
// §9.6.2.2) carry only Latin code page 1252, so a Chinese laboratory name
// cannot be printed with them. A laboratory names a TrueType font in its
// profile (`[report] font`); the report embeds the subset of it that the
// document uses (codeberg.org/go-pdf/fpdf AddUTF8FontFromBytes).
//
// Only TrueType outlines are accepted: the sfnt version tag (OpenType
// specification, "Organization of an OpenType font", table directory) must
// be 0x00010000 or 'true'. 'OTTO' (CFF outlines) and 'ttcf' (font
// collections, e.g. many system CJK fonts) are refused with a message that
// says so, because the PDF library reads neither. The font is parsed with
// golang.org/x/image/font/sfnt, which checks the tables and answers the
// character-to-glyph mapping (cmap), and then used once in a throw-away
// document, so a font the PDF library cannot embed fails when the profile
// is loaded, not half-way through a batch.
package pdffont
