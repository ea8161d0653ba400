package evaluate

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// noCallRule defines how no-calls count; it is written into the report.
const noCallRule = "a no-call (call no_call, qc_status fail, or a test sample missing from the summary with --allow-missing) is excluded from the sensitivity and specificity denominators of its condition and counted separately; a sample counts as a no-call sample when it failed QC, is missing, or has a no-call for T13, T18 or T21"

// sampleNoCall reports whether the sample got no complete core result, and why.
func sampleNoCall(j *joined) (bool, []string) {
	switch {
	case j.c == nil:
		return true, []string{"missing from summary"}
	case j.c.QCFail():
		return true, reasons(j.c.NoCallReason, "qc_fail")
	}
	for _, chrom := range []int{13, 18, 21} {
		if j.c.Calls[chrom] == NoCall {
			return true, reasons(j.c.NoCallReason, "no reason given")
		}
	}
	return false, nil
}

// reasons splits a no_call_reason cell ("low_ff; high_noise") into its
// distinct, sorted parts.
func reasons(cell, fallback string) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range strings.FieldsFunc(cell, func(c rune) bool { return c == ';' || c == ',' || c == '|' }) {
		r = strings.TrimSpace(r)
		if r != "" && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return []string{fallback}
	}
	sort.Strings(out)
	return out
}

// evaluateNoCalls computes the sample-level no-call rate, overall and by
// true-FF bin, and tallies the reasons.
func evaluateNoCalls(js []*joined, opt Options, bins []FFBin) NoCallResult {
	r := NoCallResult{Definition: "samples that failed QC, are missing from the summary, or have a no-call for T13, T18 or T21, over all test samples; FF bins use the true FF", ByFF: []GroupShare{}, Reasons: []GroupCount{}}
	k := 0
	binK := make([]int, len(bins))
	binN := make([]int, len(bins))
	count := map[string]int{}
	for _, j := range js {
		b := binOf(bins, j.t.FF)
		binN[b]++
		nc, why := sampleNoCall(j)
		if !nc {
			continue
		}
		k++
		binK[b]++
		for _, w := range why {
			count[w]++
		}
	}
	r.Overall = newProportion(k, len(js), opt.CI, opt.Confidence)
	for i, b := range bins {
		if binN[i] > 0 {
			r.ByFF = append(r.ByFF, GroupShare{Group: b.Label, Share: newProportion(binK[i], binN[i], opt.CI, opt.Confidence)})
		}
	}
	for w, n := range count {
		r.Reasons = append(r.Reasons, GroupCount{Group: w, N: n})
	}
	sort.Slice(r.Reasons, func(a, b int) bool {
		if r.Reasons[a].N != r.Reasons[b].N {
			return r.Reasons[a].N > r.Reasons[b].N
		}
		return r.Reasons[a].Group < r.Reasons[b].Group
	})
	return r
}

// evaluateSafety checks that no maternal CNV became a trisomy call: for
// every test sample with a maternal (or maternal_inherited) CNV on an
// autosome with a reported trisomy call (chr13/18/21, and rare autosomes
// when the summary reports them) and no true trisomy of that autosome, a
// high-risk call on that autosome is a failure. A maternal tumour's
// changes are not constitutional CNVs: they are judged by the genome-wide
// pattern (evaluatePattern), not here.
func evaluateSafety(js []*joined, sum *Summary, rep *Report) SafetyResult {
	r := SafetyResult{
		Definition:    "samples with a maternal CNV on an autosome screened for trisomy (13, 18, 21; rare autosomes if reported) and no trisomy of it: a high-risk trisomy call on that autosome is a failure",
		FailedSamples: []string{},
	}
	screened := map[string]int{}
	for _, c := range sum.CallChroms {
		screened[strconv.Itoa(c)] = c
	}
	for _, j := range js {
		done := map[int]bool{}
		for _, c := range j.t.CNVs {
			chrom, ok := screened[c.Chrom]
			if !ok || c.Origin == "fetal" || c.Origin == "tumour" || j.t.Trisomy == chrom || done[chrom] {
				continue
			}
			call := j.trisomyCall(chrom)
			if call == NotReported {
				continue
			}
			done[chrom] = true
			r.AtRisk++
			switch call {
			case HighRisk:
				r.Failures++
				r.FailedSamples = append(r.FailedSamples, fmt.Sprintf("%s (T%d)", j.t.Sample, chrom))
				rep.Discordant = append(rep.Discordant, Discordance{Sample: j.t.Sample, Condition: fmt.Sprintf("T%d", chrom),
					Kind: "safety_failure", TrueFF: Float(j.t.FF), Call: string(call)})
			case NoCall:
				r.NoCalls++
			}
		}
	}
	switch {
	case r.Failures > 0:
		r.Status = "fail"
	case r.AtRisk == 0:
		r.Status = "not_tested"
	default:
		r.Status = "pass"
	}
	return r
}
