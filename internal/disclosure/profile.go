package disclosure

import (
	"slices"
	"strings"
)

// FetalSexPolicy says when the fetal sex may be disclosed.
type FetalSexPolicy string

// Fetal-sex policies.
const (
	// FetalSexNever: never disclose (the default).
	FetalSexNever FetalSexPolicy = "never"
	// FetalSexMedicalIndication: only when the test request carries a
	// sex-linked-disease indication (the exception Chinese law allows).
	FetalSexMedicalIndication FetalSexPolicy = "medical_indication"
	// FetalSexOnRequest: when the request asks for it.
	FetalSexOnRequest FetalSexPolicy = "on_request"
)

// SCAPolicy says how a sex-chromosome aneuploidy is reported.
type SCAPolicy string

// Sex-chromosome aneuploidy policies.
const (
	// SCAOff: sex chromosomes are not screened; nothing is reported.
	SCAOff SCAPolicy = "off"
	// SCAReportPresence: "detected / not detected / no call" without the type.
	SCAReportPresence SCAPolicy = "report_presence"
	// SCAReportType: the type is named (45,X; 47,XXY; 47,XXX; 47,XYY), which
	// inherently discloses the sex chromosomes of the affected fetus; allowed
	// as a medical finding.
	SCAReportType SCAPolicy = "report_type"
)

// Conditions a lab can screen, in report order. T21, T18 and T13 are the
// common trisomies; SCA the sex-chromosome aneuploidies; RAT the rare
// autosomal trisomies (every other autosome); CNV sub-chromosomal copy-number
// changes.
const (
	T21 = "T21"
	T18 = "T18"
	T13 = "T13"
	SCA = "SCA"
	RAT = "RAT"
	CNV = "CNV"
)

// AllConditions lists the conditions in report order.
var AllConditions = []string{T21, T18, T13, SCA, RAT, CNV}

// QCMetrics are the QC metric names a profile may override thresholds for;
// they are the result.Metric names the analysis reports.
var QCMetrics = []string{"reads", "duplicate_rate", "mapd", "gc_bias", "fetal_fraction", "chrom_dosage", "depth_ratio", "aberrant_autosomes"}

// Lab describes the laboratory issuing reports.
type Lab struct {
	Name          string
	Accreditation string // e.g. "ISO 15189:2022, certificate …"
	Address       string
	Contact       string
}

// QCOverride replaces the analysis' default thresholds of one QC metric.
// Nil means "keep the default".
type QCOverride struct {
	Metric string
	Warn   *float64
	Fail   *float64
}

// Profile is a parsed lab profile.
type Profile struct {
	// Name identifies the profile in every view it produced (result.Disclosure).
	Name string
	Lab  Lab
	// Conditions the lab screens and reports, in AllConditions order.
	Conditions []string
	FetalSex   FetalSexPolicy
	SCA        SCAPolicy
	// AllowedIndications, when not empty, are the only indications (compared
	// case-insensitively after trimming) that open fetal-sex disclosure under
	// FetalSexMedicalIndication. Empty means any non-empty indication does.
	AllowedIndications []string
	// QC overrides, sorted by metric name.
	QC []QCOverride
	// Report is the layout of the reports ([report]: the PDF fonts).
	Report ReportSettings
	// Performance per screened condition, in Conditions order.
	Performance []Performance
	// AuditLogPath is where disclosures are logged (resolved against the
	// profile's directory); Audit is the opened log. Audit must be set
	// whenever the policy can disclose fetal sex.
	AuditLogPath string
	Audit        AuditLog
}

// DefaultProfile is the profile used without --profile: fetal sex never
// disclosed, sex-chromosome aneuploidies reported without their type, and
// every condition the engine calls screened (T21, T18, T13, SCA, rare
// autosomal trisomies, CNVs), so that an unconfigured run shows all it
// finds under the strictest fetal-sex policy; a laboratory narrows the
// panel to what it has validated in its own profile. Its performance
// figures are published meta-analysis values where there are any, not a
// lab validation, and say so in their Basis.
func DefaultProfile() *Profile {
	p := &Profile{
		Name:       "default",
		Lab:        Lab{Name: "Laboratory not configured (default nipt profile)"},
		Conditions: slices.Clone(AllConditions),
		FetalSex:   FetalSexNever,
		SCA:        SCAReportPresence,
	}
	for _, c := range p.Conditions {
		p.Performance = append(p.Performance, literaturePerformance(c))
	}
	return p
}

// DemoProfile is DefaultProfile under the name of nipt demo, whose reports
// it labels as simulated.
func DemoProfile() *Profile {
	p := DefaultProfile()
	p.Name = "demo"
	p.Lab.Name = "nipt demo (simulated data, not for clinical use)"
	return p
}

// Screens reports whether the lab screens and reports condition c (one of
// AllConditions, or "T<n>" for a rare autosomal trisomy, which falls under RAT).
func (p *Profile) Screens(c string) bool {
	switch c {
	case T21, T18, T13, SCA, RAT, CNV:
		return slices.Contains(p.Conditions, c)
	}
	if strings.HasPrefix(c, "T") {
		return slices.Contains(p.Conditions, RAT)
	}
	return false
}

// PerformanceFor returns the lab's performance for condition c.
func (p *Profile) PerformanceFor(c string) (Performance, bool) {
	for _, perf := range p.Performance {
		if perf.Condition == c {
			return perf, true
		}
	}
	return Performance{}, false
}

// QCOverrideFor returns the override of QC metric name, if any.
func (p *Profile) QCOverrideFor(metric string) (QCOverride, bool) {
	for _, q := range p.QC {
		if q.Metric == metric {
			return q, true
		}
	}
	return QCOverride{}, false
}

// Request is the test request a result is reported for.
type Request struct {
	// Indication is the clinical indication for fetal sex determination,
	// e.g. "Duchenne muscular dystrophy (X-linked)"; empty if none.
	Indication string
	// SexRequested: the requester asked for the fetal sex (on_request).
	SexRequested bool
	// Requester identifies who asked (user id); required when fetal sex is
	// disclosed, for the audit log.
	Requester string
}

// SexBlind reports whether fetal sex may NOT be disclosed for req. The engine
// then computes the fetal fraction and every call without sex-dependent
// information, and Apply removes everything sex-dependent from the view.
func (p *Profile) SexBlind(req Request) bool {
	switch p.FetalSex {
	case FetalSexMedicalIndication:
		return !p.indicationAccepted(req.Indication)
	case FetalSexOnRequest:
		return !req.SexRequested
	}
	return true // never, and anything unknown: fail closed
}

func (p *Profile) indicationAccepted(ind string) bool {
	ind = strings.TrimSpace(ind)
	if ind == "" {
		return false
	}
	if len(p.AllowedIndications) == 0 {
		return true
	}
	for _, a := range p.AllowedIndications {
		if strings.EqualFold(strings.TrimSpace(a), ind) {
			return true
		}
	}
	return false
}
