package analyze

import (
	"bufio"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
)

// SummaryColumns are the columns of summary.tsv (docs/result.schema.json
// describes the fields they come from).
var SummaryColumns = []string{"sample", "qc_status", "reads", "ff", "ff_low", "ff_high", "z13", "z18", "z21", "zX",
	"call13", "call18", "call21", "rat", "sca", "cnvs", "aberrant_autosomes",
	"no_call_reason", "run"}

// No-call reason codes of the summary (the result carries the full text).
const (
	ReasonQC         = "qc_fail"
	ReasonPower      = "insufficient_power"
	ReasonLowFF      = "low_ff"
	ReasonUncertain  = "inconclusive"
	ReasonFFUnknown  = "ff_unknown"
	ReasonSCA        = "sca_inconclusive"
	ReasonTwin       = "sca_twin" // sex chromosomes not assessed in a twin pregnancy
	ReasonOtherCalls = "no_call"
)

// SummaryRow returns the summary.tsv cells of a result view.
func SummaryRow(v *result.Result) []string {
	num := func(x float64, prec int) string { return strconv.FormatFloat(x, 'f', prec, 64) }
	row := map[string]string{
		"sample": v.Sample, "qc_status": string(v.QC.Status), "reads": "NA",
		"ff": num(v.FetalFraction.Value, 4), "ff_low": num(v.FetalFraction.Low, 4), "ff_high": num(v.FetalFraction.High, 4),
		"z13": "NA", "z18": "NA", "z21": "NA", "zX": "NA", "call13": "NA", "call18": "NA", "call21": "NA",
		"rat": "", "sca": "NA", "cnvs": "", "run": "NA",
	}
	if len(v.Runs) > 0 {
		row["run"] = counts.RunKey(v.Runs)
	}
	if !v.FetalFraction.Known() {
		row["ff"], row["ff_low"], row["ff_high"] = "NA", "NA", "NA"
	}
	for _, m := range v.QC.Metrics {
		if m.Name == "reads" {
			row["reads"] = strconv.FormatInt(int64(m.Value), 10)
		}
	}
	for _, c := range v.Chromosomes {
		switch c.Chrom {
		case "chr13", "chr18", "chr21":
			row["z"+strings.TrimPrefix(c.Chrom, "chr")] = num(c.Z, 3)
		case "chrX":
			row["zX"] = num(c.Z, 3)
		}
	}
	reasons := map[string]bool{}
	var rat []string
	for _, f := range v.Aneuploidies {
		n := strings.TrimPrefix(f.Condition, "T")
		switch f.Condition {
		case "T13", "T18", "T21":
			row["call"+n] = string(f.Call)
		default:
			if f.Call == result.HighRisk {
				rat = append(rat, f.Condition)
			}
		}
		if f.Call == result.NoCall {
			reasons[reasonCode(f.NoCallReason)] = true
		}
	}
	row["rat"] = strings.Join(rat, ";")
	if !v.Carries(disclosure.RAT) {
		row["rat"] = "NA" // not screened: not "none found"
	}
	if v.SCA.Call != "" {
		row["sca"] = string(v.SCA.Call)
		if v.SCA.Call == result.HighRisk && v.SCA.Type != "" {
			row["sca"] = v.SCA.Type
		}
		if v.SCA.Call == result.NoCall {
			if v.Pregnancy == result.PregnancyTwin {
				reasons[ReasonTwin] = true
			} else {
				reasons[ReasonSCA] = true
			}
		}
	}
	var cnvs []string
	for _, c := range v.CNVs {
		cnvs = append(cnvs, fmt.Sprintf("%s:%d-%d:%s:%s", c.Chrom, c.Start, c.End, c.Type, c.Origin))
	}
	row["cnvs"] = strings.Join(cnvs, ";")
	if !v.Carries(disclosure.CNV) {
		row["cnvs"] = "NA"
	}
	// Autosomes with a change: more than the QC metric allows (default 2)
	// is a maternal or technical pattern, not a fetal one (qc_status warns).
	row["aberrant_autosomes"] = strings.Join(v.AberrantAutosomes, ";")
	if v.QC.Status == result.QCFail {
		reasons = map[string]bool{ReasonQC: true}
	}
	var rs []string
	for r := range reasons {
		rs = append(rs, r)
	}
	sort.Strings(rs)
	row["no_call_reason"] = strings.Join(rs, ";")
	out := make([]string, len(SummaryColumns))
	for i, c := range SummaryColumns {
		out[i] = row[c]
	}
	return out
}

// reasonCode maps a finding's no-call text to its summary code.
func reasonCode(text string) string {
	switch {
	case strings.Contains(text, "QC"):
		return ReasonQC
	case strings.Contains(text, "could not be estimated"):
		return ReasonFFUnknown
	case strings.HasPrefix(text, "inconclusive"):
		return ReasonUncertain
	case strings.HasPrefix(text, "fetal fraction too low"):
		return ReasonLowFF
	case strings.Contains(text, "too low"):
		return ReasonPower
	}
	return ReasonOtherCalls
}

// WriteSummary writes summary.tsv for the result views, in order.
func WriteSummary(path string, views []*result.Result) error {
	return writeFile(path, func(w *bufio.Writer) error {
		w.WriteString(strings.Join(SummaryColumns, "\t") + "\n")
		for _, v := range views {
			w.WriteString(strings.Join(SummaryRow(v), "\t") + "\n")
		}
		return nil
	})
}
