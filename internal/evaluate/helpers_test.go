package evaluate

import (
	"strings"
	"testing"
)

// evaluateText evaluates a summary against a truth, both given as TSV
// text, with the default options.
func evaluateText(t *testing.T, truth, summary string) *Report {
	t.Helper()
	tr, err := ParseTruth(strings.NewReader(truth), "truth.tsv")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseSummary(strings.NewReader(summary), "summary.tsv")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Evaluate(tr, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
