package evaluate

import (
	"fmt"
	"slices"
	"strings"
)

// sampleCNV is the CNV comparison of one sample.
type sampleCNV struct {
	truth     []CNV // true CNVs on evaluated chromosomes
	calls     []CNV // called CNVs on evaluated chromosomes
	matches   []CNVMatch
	matchedT  []bool // per truth
	falseCall []bool // per call: neither matched nor explained
	explained int
	tumour    int  // unmatched calls on a maternal tumour's change
	partial   int  // false calls overlapping a true CNV of the same type
	call      Call // sample-level: high_risk when detected / any false call
}

// CNV size classes: 5 Mb is the size genome-wide cfDNA screening is usually
// validated for (ACMG 2016 discusses ≥ 7 Mb; the project's target is 5 Mb),
// 1 Mb and 10 Mb bracket it.
var (
	cnvSizeEdges  = []int{1_000_000, 5_000_000, 10_000_000}
	cnvSizeLabels = []string{"<1 Mb", "1–5 Mb", "5–10 Mb", "≥10 Mb"}
)

func sizeClass(n int) int {
	for i, e := range cnvSizeEdges {
		if n < e {
			return i
		}
	}
	return len(cnvSizeEdges)
}

// truthOrigins and callOrigins label the origin table.
var (
	truthOrigins = []string{"fetal", "maternal", "maternal_inherited"}
	callOrigins  = []string{"fetal", "maternal", "uncertain"}
)

// originGroup maps a true origin to the label a correct call carries: the
// mother carries maternal_inherited CNVs too, and her share dominates.
func originGroup(truth string) string {
	if truth == "fetal" {
		return "fetal"
	}
	return "maternal"
}

// explainedByAneuploidy reports whether a call lies on a chromosome whose
// whole dosage the truth changes (a trisomy, or an SCA for chrX/chrY).
func explainedByAneuploidy(t *Truth, c CNV) bool {
	if t.Trisomy != 0 && c.Chrom == fmt.Sprint(t.Trisomy) {
		return true
	}
	return t.SCA != "" && (c.Chrom == "X" || c.Chrom == "Y")
}

func inScope(c CNV, autosomesOnly bool) bool {
	return !autosomesOnly || (c.Chrom != "X" && c.Chrom != "Y")
}

// compareCNVs fills j.cnv. Samples without a CNV result get call NoCall
// (no result issued) or NotReported (cnvs cell NA).
func compareCNVs(j *joined, opt Options) {
	s := &sampleCNV{}
	j.cnv = s
	var tumour []CNV // a maternal tumour's changes: not CNVs to find
	for _, c := range j.t.CNVs {
		switch {
		case !inScope(c, opt.CNVAutosomesOnly):
		case c.Origin == "tumour":
			tumour = append(tumour, c)
		default:
			s.truth = append(s.truth, c)
		}
	}
	if j.noResult() {
		s.call = NoCall
		return
	}
	if !j.c.CNVsReported {
		s.call = NotReported
		return
	}
	for _, c := range j.c.CNVs {
		if inScope(c, opt.CNVAutosomesOnly) {
			s.calls = append(s.calls, c)
		}
	}
	s.matches = MatchCNVs(s.truth, s.calls, opt.MinOverlap)
	s.matchedT = make([]bool, len(s.truth))
	matchedC := make([]bool, len(s.calls))
	for _, m := range s.matches {
		s.matchedT[m.Truth], matchedC[m.Call] = true, true
	}
	s.falseCall = make([]bool, len(s.calls))
	nFalse := 0
	for i, c := range s.calls {
		if matchedC[i] {
			continue
		}
		if explainedByAneuploidy(j.t, c) {
			s.explained++
			continue
		}
		if slices.ContainsFunc(tumour, func(t CNV) bool { return t.Chrom == c.Chrom && t.Start < c.End && c.Start < t.End }) {
			s.tumour++
			continue
		}
		s.falseCall[i] = true
		nFalse++
		for _, t := range s.truth {
			if t.Type == c.Type && ReciprocalOverlap(t, c) > 0 {
				s.partial++
				break
			}
		}
	}
	s.call = LowRisk
	if len(s.truth) > 0 && len(s.matches) > 0 || len(s.truth) == 0 && nFalse > 0 {
		s.call = HighRisk
	}
}

// evaluateCNVs computes recall, false calls and origin accuracy.
func evaluateCNVs(js []*joined, sum *Summary, opt Options, bins []FFBin) CNVResult {
	prop := func(k, n int) Proportion { return newProportion(k, n, opt.CI, opt.Confidence) }
	r := CNVResult{Recall: prop(0, 0), RecallHeadline: GroupShare{Share: prop(0, 0)}, RecallByOrigin: []GroupShare{}, RecallBySize: []GroupShare{},
		RecallBySizeFF: []GroupShare{}, FalseByOrigin: []GroupCount{}, FalseBySize: []GroupCount{}}
	r.FalseCalls = newRate(0, 0, opt.Confidence)
	r.Origin = OriginResult{Correct: prop(0, 0), Truth: []string{"fetal", "maternal"}, Called: callOrigins,
		Counts: [][]int{make([]int, 3), make([]int, 3)}}
	if !sum.HasCNVs {
		r.NotEvaluatedReason = "summary has no cnvs column"
		return r
	}
	r.Evaluated = true
	type tally struct{ k, n int }
	byOrigin := make([]tally, len(truthOrigins))
	bySize := make([]tally, len(cnvSizeLabels))
	bySizeFF := make([][]tally, len(cnvSizeLabels))
	for i := range bySizeFF {
		bySizeFF[i] = make([]tally, len(bins))
	}
	falseOrigin := make([]int, len(callOrigins))
	falseSize := make([]int, len(cnvSizeLabels))
	var found, total, falseCalls, correct, headK, headN int
	for _, j := range js {
		compareCNVs(j, opt)
		s := j.cnv
		if s.call == NoCall || s.call == NotReported {
			r.NoResultSamples++
			r.TrueInNoResult += len(s.truth)
			continue
		}
		r.Samples++
		r.Calls += len(s.calls)
		r.Matched += len(s.matches)
		r.Explained += s.explained
		r.OnTumour += s.tumour
		r.PartialOverlap += s.partial
		b := binOf(bins, j.t.FF)
		for i, t := range s.truth {
			hit := 0
			if s.matchedT[i] {
				hit = 1
			}
			total++
			found += hit
			if o := indexOf(truthOrigins, t.Origin); o >= 0 {
				byOrigin[o].k += hit
				byOrigin[o].n++
			}
			sc := sizeClass(t.Len())
			bySize[sc].k += hit
			bySize[sc].n++
			bySizeFF[sc][b].k += hit
			bySizeFF[sc][b].n++
			if t.Len() >= opt.CNVMinSize && j.t.FF >= opt.CNVMinFF {
				headK += hit
				headN++
			}
		}
		for i, c := range s.calls {
			if s.falseCall[i] {
				falseCalls++
				if o := indexOf(callOrigins, c.Origin); o >= 0 {
					falseOrigin[o]++
				}
				falseSize[sizeClass(c.Len())]++
			}
		}
		for _, m := range s.matches {
			want := originGroup(s.truth[m.Truth].Origin)
			got := s.calls[m.Call].Origin
			if col := indexOf(callOrigins, got); col >= 0 {
				r.Origin.Counts[indexOf(r.Origin.Truth, want)][col]++
			}
			if got == want {
				correct++
			}
			if got == "uncertain" {
				r.Origin.Uncertain++
			}
		}
	}
	r.Recall = prop(found, total)
	r.RecallHeadline = GroupShare{Group: fmt.Sprintf("≥%s Mb", trimFloat(float64(opt.CNVMinSize)/1e6)), FF: "≥" + pct(opt.CNVMinFF), Share: prop(headK, headN)}
	for i, t := range byOrigin {
		r.RecallByOrigin = append(r.RecallByOrigin, GroupShare{Group: truthOrigins[i], Share: prop(t.k, t.n)})
	}
	for i, t := range bySize {
		r.RecallBySize = append(r.RecallBySize, GroupShare{Group: cnvSizeLabels[i], Share: prop(t.k, t.n)})
		for fb, t2 := range bySizeFF[i] {
			if t2.n > 0 {
				r.RecallBySizeFF = append(r.RecallBySizeFF, GroupShare{Group: cnvSizeLabels[i], FF: bins[fb].Label, Share: prop(t2.k, t2.n)})
			}
		}
		r.FalseBySize = append(r.FalseBySize, GroupCount{Group: cnvSizeLabels[i], N: falseSize[i]})
	}
	for i, o := range callOrigins {
		r.FalseByOrigin = append(r.FalseByOrigin, GroupCount{Group: o, N: falseOrigin[i]})
	}
	r.FalseCalls = newRate(falseCalls, r.Samples, opt.Confidence)
	r.Origin.Correct = prop(correct, r.Matched)
	return r
}

// indexOf returns the index of s in list, or -1.
func indexOf(list []string, s string) int {
	for i, v := range list {
		if strings.EqualFold(v, s) {
			return i
		}
	}
	return -1
}

// evaluatePattern counts the test samples flagged by the genome-wide
// aberration pattern, apart for those whose truth holds a maternal
// tumour's changes. Samples missing from the summary are left out.
func evaluatePattern(js []*joined, sum *Summary, opt Options) PatternResult {
	prop := func(k, n int) Proportion { return newProportion(k, n, opt.CI, opt.Confidence) }
	r := PatternResult{Limit: PatternLimit, Tumour: prop(0, 0), Others: prop(0, 0)}
	if !sum.HasAberrations {
		r.NotEvaluatedReason = "summary has no aberrant_autosomes column"
		return r
	}
	r.Evaluated = true
	var tk, tn, ok, on int
	for _, j := range js {
		if j.c == nil {
			continue
		}
		flag := 0
		if len(j.c.AberrantAutosomes) > PatternLimit {
			flag = 1
		}
		if slices.ContainsFunc(j.t.CNVs, func(c CNV) bool { return c.Origin == "tumour" }) {
			tk, tn = tk+flag, tn+1
		} else {
			ok, on = ok+flag, on+1
		}
	}
	r.Tumour, r.Others = prop(tk, tn), prop(ok, on)
	return r
}
