package report

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
)

// SummaryColumns are the columns of a summary row, as in the summary.tsv of
// nipt analyze.
var SummaryColumns = []string{"sample", "qc_status", "reads", "ff", "ff_low", "ff_high",
	"z13", "z18", "z21", "zX", "call13", "call18", "call21", "sca", "cnvs", "no_call_reason"}

// SummaryRow renders a view as one summary row (missing numbers "NA"):
// zX is "NA" whenever the view removed it; sca is the call, or the type of a
// detected SCA under report_type, or "NA" when sex chromosomes are not
// screened; cnvs are chrom:start-end:type:origin joined by ';'.
func SummaryRow(v *result.Result) ([]string, error) {
	if err := disclosure.Verify(v); err != nil {
		return nil, fmt.Errorf("summary row of sample %s: %w", v.Sample, err)
	}
	num := func(x float64, prec int) string { return strconv.FormatFloat(x, 'f', prec, 64) }
	row := []string{v.Sample, string(v.QC.Status), num(readsOf(v), 0),
		num(v.FetalFraction.Value, 4), num(v.FetalFraction.Low, 4), num(v.FetalFraction.High, 4)}
	var calls []string
	for _, c := range []string{disclosure.T13, disclosure.T18, disclosure.T21} {
		if f, ok := finding(v, c); ok {
			row = append(row, num(f.Z, 3))
			calls = append(calls, string(f.Call))
		} else {
			row = append(row, "NA")
			calls = append(calls, "NA")
		}
	}
	if v.Disclosure.SCAZRemoved || v.SCA.Call == "" {
		row = append(row, "NA")
	} else {
		row = append(row, num(v.SCA.ZX, 3))
	}
	row = append(row, calls...)
	switch {
	case v.SCA.Call == "":
		row = append(row, "NA")
	case v.SCA.Call == result.HighRisk && v.SCA.Type != "":
		row = append(row, v.SCA.Type)
	default:
		row = append(row, string(v.SCA.Call))
	}
	var cnvs []string
	for _, c := range v.CNVs {
		cnvs = append(cnvs, fmt.Sprintf("%s:%d-%d:%s:%s", c.Chrom, c.Start, c.End, c.Type, c.Origin))
	}
	row = append(row, strings.Join(cnvs, ";"))
	reasons := map[string]bool{}
	for _, f := range v.Aneuploidies {
		if f.Call == result.NoCall && f.NoCallReason != "" {
			reasons[f.NoCallReason] = true
		}
	}
	if v.SCA.Call == result.NoCall && v.SCA.NoCallReason != "" {
		reasons[v.SCA.NoCallReason] = true
	}
	var rs []string
	for r := range reasons {
		rs = append(rs, strings.ReplaceAll(r, "\t", " "))
	}
	sort.Strings(rs)
	row = append(row, strings.Join(rs, "; "))
	return row, nil
}
