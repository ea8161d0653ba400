package report

import (
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

// TestPDFText: symbols outside code page 1252 are spelled out instead of
// printing as dots; those inside it (en dash, plus-minus, bullet) are kept.
func TestPDFText(t *testing.T) {
	tr := fpdf.New("P", "mm", "A4", "").UnicodeTranslatorFromDescriptor("")
	for _, tc := range []struct{ in, want string }{
		{"p ≥ 95%", "p >= 95%"},
		{"z − 3 ≤ 0", "z - 3 <= 0"},
		{"8.7% – 16.0% ± •", "8.7% \x96 16.0% \xb1 \x95"}, // cp1252 bytes
	} {
		if got := tr(pdfASCII.Replace(tc.in)); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}
