package report

import (
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/result"
)

// TestPossibleMaternalText: the report says when a high-risk effect is
// larger than a fetal one at the fetal fraction, and not otherwise.
func TestPossibleMaternalText(t *testing.T) {
	f := result.Finding{Condition: "T21", Chrom: "chr21", Call: result.HighRisk, Z: 12, LogLR: 20, FFImplied: 0.3}
	if d := trisomyLine(Line{}, f, false).Detail; strings.Contains(d, "maternal origin") {
		t.Errorf("unflagged trisomy: %q", d)
	}
	f.PossibleMaternal = true
	if d := trisomyLine(Line{}, f, false).Detail; !strings.Contains(d, "possible maternal origin") {
		t.Errorf("flagged trisomy: %q", d)
	}
	v := &result.Result{SCA: result.SCA{Call: result.HighRisk, Type: "45,X"}}
	if d := scaLine(Line{}, v).Detail; strings.Contains(d, "likelier cause") {
		t.Errorf("unflagged SCA: %q", d)
	}
	v.SCA.PossibleMaternal = true
	if d := scaLine(Line{}, v).Detail; !strings.Contains(d, "maternal sex-chromosome mosaicism is the likelier cause") {
		t.Errorf("flagged SCA: %q", d)
	}
}
