package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/analyze"
)

// TestBatchQCNote: the batch report says which autosomes the batch
// correction changed and which it left alone, and why.
func TestBatchQCNote(t *testing.T) {
	rows := func(corr string) []analyze.BatchOffset {
		out := make([]analyze.BatchOffset, 22)
		for c := range out {
			out[c] = analyze.BatchOffset{Chrom: fmt.Sprintf("chr%d", c+1), Samples: 120, Status: analyze.BatchPass, Correction: corr}
		}
		return out
	}
	if got := batchQCNote(nil); !strings.Contains(got, "not available") {
		t.Errorf("no table: %q", got)
	}
	off := batchQCNote(rows(analyze.CorrectionOff))
	if !strings.Contains(off, "22 tested") || strings.Contains(off, "correction") {
		t.Errorf("without correction: %q", off)
	}
	r := rows(analyze.CorrectionApplied)
	r[20].Correction = analyze.CorrectionHighRisk
	r[3].Status = analyze.BatchWarn
	got := batchQCNote(r)
	for _, want := range []string{"removed from the dosages of 21 autosomes", "not from chr21", "too many high-risk", "1 of 22 autosomes read off", "before batch correction"} {
		if !strings.Contains(got, want) {
			t.Errorf("note %q lacks %q", got, want)
		}
	}
	// The warnings are listed after the note: it ends with their lead-in.
	if !strings.HasSuffix(got, ":") {
		t.Errorf("note with warnings does not end with the list's lead-in: %q", got)
	}
	// Grouped by run: one note per run, named.
	a, b := rows(analyze.CorrectionApplied), rows(analyze.CorrectionTooFew)
	for i := range a {
		a[i].Batch, b[i].Batch = "HK3TWDSX3", "HK7ZZDSX3"
	}
	two := batchQCNote(append(a, b...))
	if !strings.HasPrefix(two, "Run HK3TWDSX3: ") || !strings.Contains(two, " Run HK7ZZDSX3: ") ||
		!strings.Contains(two, "removed from the dosages of 22 autosomes") || !strings.Contains(two, "not from chr1, chr2") {
		t.Errorf("two runs: %q", two)
	}
	// One named run is named too; the batch of all files is not.
	if one := batchQCNote(a); !strings.HasPrefix(one, "Run HK3TWDSX3: Batch QC: ") {
		t.Errorf("one run: %q", one)
	}
}
