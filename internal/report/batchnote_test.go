package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/analyze"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
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

// TestRunQCRows: the quality-by-run table counts no-calls as the
// validation does (QC failed, or no call for T13/T18/T21; a rare-trisomy
// no-call alone is not one) and gives medians.
func TestRunQCRows(t *testing.T) {
	v := func(qc result.QCStatus, cond string, call result.Call) *result.Result {
		return &result.Result{QC: result.QC{Status: qc}, Aneuploidies: []result.Finding{{Condition: cond, Call: call}}}
	}
	for _, tc := range []struct {
		v    *result.Result
		want bool
	}{
		{v(result.QCFail, disclosure.T21, result.LowRisk), true},
		{v(result.QCPass, disclosure.T21, result.NoCall), true},
		{v(result.QCWarn, disclosure.T13, result.NoCall), true},
		{v(result.QCPass, disclosure.RAT, result.NoCall), false},
		{v(result.QCPass, disclosure.T18, result.HighRisk), false},
	} {
		if got := NoCallSample(tc.v); got != tc.want {
			t.Errorf("%+v: no-call %v, want %v", tc.v, got, tc.want)
		}
	}
	rows := runQCRows([]BatchStats{{ID: "FC1", Reads: []float64{3e6, 4e6, 5e6}, FF: []float64{0.08, 0.12}, Pass: 2, Fail: 1, NoCall: 1}, {ID: "FC2", Warn: 1}})
	want := [][]string{{"FC1", "3", "4.00", "10.0%", "2 / 0 / 1", "1 (33%)"}, {"FC2", "1", "NA", "NA", "0 / 1 / 0", "0 (0%)"}}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("rows %q, want %q", rows, want)
	}
}
