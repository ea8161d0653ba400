package disclosure

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/result"
)

// GenericSCANoCall replaces the engine's no-call reason for the sex
// chromosomes whenever that reason could name sex chromosomes (every
// sex-blind view and every report_presence view).
const GenericSCANoCall = "sex chromosome result inconclusive"

// Apply returns the view of r that profile p allows for request req: a
// redacted deep copy (r is never modified). When fetal sex is disclosed, the
// disclosure is recorded in p.Audit before the view is returned; a failing
// audit log withholds the view. Apply fails closed: under a sex-blind
// policy, a raw result that was not analysed sex-blind
// (result.Result.SexBlindAnalysis) or a view made with fetal sex available
// is an error for every fetus alike, and so is a view in which a
// sex-revealing string survives.
//
// Apply may be applied to a view again (e.g. nipt report re-applies its
// profile to the analysis' result.json); it never restores removed data.
func Apply(r *result.Result, p *Profile, req Request) (*result.Result, error) {
	if r == nil {
		return nil, errors.New("disclosure: nil result")
	}
	if p == nil {
		return nil, errors.New("disclosure: nil profile (use disclosure.DefaultProfile())")
	}
	blind := p.SexBlind(req)
	prev := r.Disclosure
	if blind && prev != nil && !prev.SexBlind {
		// Refused for every sample alike: checking the fetal-fraction
		// methods alone would fail for male fetuses only, and the failure
		// itself would reveal the sex.
		return nil, fmt.Errorf("sample %s: the analysis view was made with fetal sex available (profile %q), but profile %q may not disclose fetal sex for this request: rerun nipt analyze with this profile and request", r.Sample, prev.Profile, p.Name)
	}
	if blind && prev == nil && !r.SexBlindAnalysis {
		// Likewise for a raw engine result: whether it analysed sex-blind
		// is recorded by the engine, the same for every fetus, so the
		// refusal cannot depend on the sex (a sex-chromosome fetal
		// fraction exists for male fetuses only).
		return nil, fmt.Errorf("sample %s: the result was not analysed sex-blind, but profile %q may not disclose fetal sex for this request: rerun the analysis sex-blind (analyze.Options.SexBlind from disclosure.Profile.SexBlind)", r.Sample, p.Name)
	}
	if blind {
		for _, m := range r.FetalFraction.Methods {
			if m.Used && sexMethod(m.Method) {
				// Unreachable for engine results (a sex-blind analysis
				// never uses such a method): a result inconsistent with
				// its own record fails closed rather than shipping a
				// sex-dependent fetal fraction.
				return nil, fmt.Errorf("sample %s: the result claims a sex-blind analysis but its fetal fraction used a sex-chromosome estimate: it is inconsistent and withheld (rerun the analysis)", r.Sample)
			}
		}
	}
	v := clone(r)
	if blind {
		redactSex(v)
	}
	applySCAPolicy(v, p.SCA, blind)
	filterConditions(v, p)
	// The aberrant autosomes are counted again from the findings and CNVs
	// this view carries: a lab that does not screen CNVs or rare trisomies
	// must not learn of them through the count or its QC reason.
	if ab := result.AberrantAutosomes(v.Aneuploidies, v.CNVs); !slices.Equal(ab, v.AberrantAutosomes) {
		v.AberrantAutosomes = ab
		result.SetAberrations(&v.QC, ab)
	}
	normalizeLists(v)

	disclosed := !blind && v.FetalSex != ""
	v.Disclosure = &result.Disclosure{
		Profile:                 p.Name,
		FetalSex:                string(p.FetalSex),
		SexChromosomeAneuploidy: string(p.SCA),
		FetalSexDisclosed:       disclosed,
		SexBlind:                blind || (prev != nil && prev.SexBlind),
		SCAZRemoved:             blind || p.SCA != SCAReportType || (prev != nil && prev.SCAZRemoved),
		Conditions:              carried(p, r),
	}
	if err := Verify(v); err != nil {
		return nil, fmt.Errorf("sample %s: withholding the report: %w", r.Sample, err)
	}
	if disclosed {
		if strings.TrimSpace(req.Requester) == "" {
			return nil, fmt.Errorf("sample %s: profile %q discloses fetal sex for this request, which must name the requester for the audit log (set Request.Requester / --requester)", r.Sample, p.Name)
		}
		if p.Audit == nil {
			return nil, fmt.Errorf("sample %s: profile %q discloses fetal sex but has no audit log (set disclosure.audit_log)", r.Sample, p.Name)
		}
		e := AuditEntry{
			Event:      "fetal_sex_disclosed",
			Requester:  req.Requester,
			Sample:     r.Sample,
			Indication: strings.TrimSpace(req.Indication),
			Policy:     string(p.FetalSex),
			Profile:    p.Name,
		}
		if err := p.Audit.Record(e); err != nil {
			return nil, fmt.Errorf("sample %s: fetal sex withheld: %w", r.Sample, err)
		}
		// The log line says that a disclosure happened, never what was disclosed.
		slog.Info("fetal-sex disclosure recorded in the audit log", "sample", r.Sample, "requester", req.Requester, "policy", string(p.FetalSex))
	}
	return v, nil
}

// IsSexChrom reports whether a contig name is chrX or chrY (any naming).
func IsSexChrom(name string) bool {
	c, ok := genome.ChromIndex(name)
	return ok && (c == genome.ChrX || c == genome.ChrY)
}

// sexMethod reports whether a fetal-fraction method uses the sex chromosomes
// (its estimate exists or differs by fetal sex).
func sexMethod(name string) bool {
	n := strings.ToLower(name)
	return n == "x" || n == "y" || strings.Contains(n, "chrx") || strings.Contains(n, "chry") ||
		strings.Contains(n, "sex") || strings.HasPrefix(n, "x_") || strings.HasPrefix(n, "y_") || sexPattern.MatchString(name)
}

// redactSex removes everything whose presence or value depends on fetal sex.
func redactSex(v *result.Result) {
	v.FetalSex = ""
	v.Chromosomes = keep(v.Chromosomes, func(c result.Chromosome) bool { return !IsSexChrom(c.Chrom) })
	v.Aneuploidies = keep(v.Aneuploidies, func(f result.Finding) bool { return !IsSexChrom(f.Chrom) })
	v.CNVs = keep(v.CNVs, func(c result.CNV) bool { return !IsSexChrom(c.Chrom) })
	v.Segments = keep(v.Segments, func(s result.Segment) bool { return !IsSexChrom(s.Chrom) })
	v.Bins = keep(v.Bins, func(b result.Bin) bool { return !IsSexChrom(b.Chrom) })
	v.FetalFraction.Methods = keep(v.FetalFraction.Methods, func(m result.FFEstimate) bool { return !sexMethod(m.Method) })
	v.QC.Metrics = keep(v.QC.Metrics, func(m result.Metric) bool { return !sexMethod(m.Name) })
	v.SCA.ZX, v.SCA.ZY = 0, 0
	if v.SCA.NoCallReason != "" {
		v.SCA.NoCallReason = GenericSCANoCall
	}
}

func applySCAPolicy(v *result.Result, pol SCAPolicy, blind bool) {
	switch pol {
	case SCAReportType:
		// The type is a medical finding; z-scores only when sex is disclosed
		// (redactSex already removed them otherwise).
	case SCAReportPresence:
		v.SCA.Type = ""
		v.SCA.PossibleMaternal = false // set only for X-only types
		v.SCA.ZX, v.SCA.ZY = 0, 0
		if v.SCA.NoCallReason != "" {
			v.SCA.NoCallReason = GenericSCANoCall
		}
	default: // off, and anything unknown: fail closed
		v.SCA = result.SCA{}
	}
}

// carried lists the conditions a new view of r carries results for: the
// profile's, minus those r does not carry (result.Result.Carries).
func carried(p *Profile, r *result.Result) []string {
	out := []string{}
	for _, c := range p.Conditions {
		if r.Carries(c) {
			out = append(out, c)
		}
	}
	return out
}

// filterConditions drops findings for conditions the lab does not screen.
func filterConditions(v *result.Result, p *Profile) {
	v.Aneuploidies = keep(v.Aneuploidies, func(f result.Finding) bool { return p.Screens(f.Condition) })
	if !p.Screens(CNV) {
		v.CNVs = []result.CNV{}
	}
}

// keep returns the elements of xs that pass ok, always as a non-nil slice,
// so a redacted list is "[]" in JSON whether or not the input had one.
func keep[T any](xs []T, ok func(T) bool) []T {
	out := make([]T, 0, len(xs))
	for _, x := range xs {
		if ok(x) {
			out = append(out, x)
		}
	}
	return out
}

// normalizeLists makes every JSON list non-nil, so the set of JSON fields of
// a view never depends on whether the engine produced an empty or a nil list.
func normalizeLists(v *result.Result) {
	all := func(result.Chromosome) bool { return true }
	v.Chromosomes = keep(v.Chromosomes, all)
	v.Aneuploidies = keep(v.Aneuploidies, func(result.Finding) bool { return true })
	v.CNVs = keep(v.CNVs, func(result.CNV) bool { return true })
	v.Segments = keep(v.Segments, func(result.Segment) bool { return true })
	v.AberrantAutosomes = keep(v.AberrantAutosomes, func(string) bool { return true })
	v.QC.Reasons = keep(v.QC.Reasons, func(string) bool { return true })
	v.QC.Metrics = keep(v.QC.Metrics, func(result.Metric) bool { return true })
	v.FetalFraction.Methods = keep(v.FetalFraction.Methods, func(result.FFEstimate) bool { return true })
	for i := range v.Chromosomes {
		if v.Chromosomes[i].ZMethods == nil {
			v.Chromosomes[i].ZMethods = map[string]float64{}
		}
	}
}
