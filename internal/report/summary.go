package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nipt/nipt/internal/analyze"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
)

// SummaryColumns are the columns of a summary row: those of the
// summary.tsv of nipt analyze, so the batch report and the file agree.
var SummaryColumns = analyze.SummaryColumns

// SummaryRow renders a view as one summary row, exactly as nipt analyze
// writes it to summary.tsv (analyze.SummaryRow: missing numbers "NA"; zX
// only where the view keeps chrX; sca the call, or the type of a detected
// SCA under report_type; cnvs chrom:start-end:type:origin joined by ';';
// no_call_reason as codes, see ReasonCodes). The view is checked with
// disclosure.Verify first.
func SummaryRow(v *result.Result) ([]string, error) {
	if err := disclosure.Verify(v); err != nil {
		return nil, fmt.Errorf("summary row of sample %s: %w", v.Sample, err)
	}
	return analyze.SummaryRow(v), nil
}

// reasonMeanings explain the no_call_reason codes of nipt analyze.
var reasonMeanings = map[string]string{
	analyze.ReasonQC:         "the sample failed quality control",
	analyze.ReasonPower:      "fetal fraction or depth too low to detect a trisomy with the required probability",
	analyze.ReasonLowFF:      "fetal fraction below the floor for a call",
	analyze.ReasonUncertain:  "the data favour neither euploidy nor trisomy strongly enough",
	analyze.ReasonFFUnknown:  "the fetal fraction could not be estimated",
	analyze.ReasonSCA:        "the sex-chromosome result is inconclusive",
	analyze.ReasonTwin:       "the sex chromosomes are not assessed in a twin pregnancy",
	analyze.ReasonOtherCalls: "another reason",
}

// ReasonCode is a no_call_reason code with its meaning.
type ReasonCode struct{ Code, Meaning string }

// reasonLegend explains the no_call_reason codes that occur in rows
// (column "no_call_reason"), in order of first appearance.
func reasonLegend(rows [][]string) []ReasonCode {
	col := slices.Index(SummaryColumns, "no_call_reason")
	var out []ReasonCode
	seen := map[string]bool{}
	for _, r := range rows {
		if col < 0 || col >= len(r) || r[col] == "" {
			continue
		}
		for _, c := range strings.Split(r[col], ";") {
			if seen[c] {
				continue
			}
			seen[c] = true
			m := reasonMeanings[c]
			if m == "" {
				m = "see the sample report"
			}
			out = append(out, ReasonCode{c, m})
		}
	}
	return out
}
