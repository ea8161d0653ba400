package disclosure

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// rawProfile is the TOML layout of a lab profile (docs/lab-profile.md).
type rawProfile struct {
	Profile string `toml:"profile"`
	Lab     struct {
		Name          string `toml:"name"`
		Accreditation string `toml:"accreditation"`
		Address       string `toml:"address"`
		Contact       string `toml:"contact"`
	} `toml:"lab"`
	Screening struct {
		Conditions []string `toml:"conditions"`
	} `toml:"screening"`
	Disclosure struct {
		FetalSex           string   `toml:"fetal_sex"`
		SCA                string   `toml:"sex_chromosome_aneuploidy"`
		AllowedIndications []string `toml:"allowed_indications"`
		AuditLog           string   `toml:"audit_log"`
	} `toml:"disclosure"`
	Report struct {
		Font     string `toml:"font"`
		FontBold string `toml:"font_bold"`
	} `toml:"report"`
	QC          map[string]rawQC   `toml:"qc"`
	Performance map[string]rawPerf `toml:"performance"`
}

type rawQC struct {
	Warn *float64 `toml:"warn"`
	Fail *float64 `toml:"fail"`
}

type rawPerf struct {
	DetectionRate *float64 `toml:"detection_rate"`
	Specificity   *float64 `toml:"specificity"`
	Prevalence    *float64 `toml:"prevalence"`
	PPV           *float64 `toml:"ppv"`
	NPV           *float64 `toml:"npv"`
	Basis         string   `toml:"basis"`
}

// allowedKeys lists the keys of each table, for the unknown-key error.
var allowedKeys = map[string]string{
	"":              "profile, [lab], [screening], [disclosure], [report], [qc.METRIC], [performance.CONDITION]",
	"lab":           "name, accreditation, address, contact",
	"screening":     "conditions",
	"disclosure":    "fetal_sex, sex_chromosome_aneuploidy, allowed_indications, audit_log",
	"report":        "font, font_bold",
	"qc.*":          "warn, fail",
	"performance.*": "detection_rate, specificity, prevalence, ppv, npv, basis",
}

// LoadProfile reads and validates the lab profile at path and opens its
// audit log (the file is created on the first disclosure).
func LoadProfile(path string) (*Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading lab profile: %w (see docs/lab-profile.md and examples/lab-profile-*.toml)", err)
	}
	defer f.Close()
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	p, err := ParseProfile(f, path, name)
	if err != nil {
		return nil, err
	}
	if p.AuditLogPath != "" {
		if !filepath.IsAbs(p.AuditLogPath) {
			p.AuditLogPath = filepath.Join(filepath.Dir(path), p.AuditLogPath)
		}
		if st, err := os.Stat(filepath.Dir(p.AuditLogPath)); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("lab profile %s: disclosure.audit_log: directory %s does not exist: create it or change the path", path, filepath.Dir(p.AuditLogPath))
		}
		p.Audit = NewFileAuditLog(p.AuditLogPath)
	}
	if err := p.Report.load(path); err != nil {
		return nil, err
	}
	return p, nil
}

// ParseProfile parses and validates a lab profile read from r. file names the
// source in error messages; name is the profile name when the file sets none.
// The audit log is not opened (LoadProfile does that).
func ParseProfile(r io.Reader, file, name string) (*Profile, error) {
	var raw rawProfile
	md, err := toml.NewDecoder(r).Decode(&raw)
	if err != nil {
		return nil, fmt.Errorf("lab profile %s: %w (see docs/lab-profile.md)", file, err)
	}
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("lab profile %s: "+format, append([]any{file}, args...)...))
	}
	for _, k := range md.Undecoded() {
		table := ""
		if len(k) > 1 {
			table = k[0]
			if table == "qc" || table == "performance" {
				table += ".*"
			}
		}
		bad("unknown key %s (allowed here: %s)", k.String(), allowedKeys[table])
	}

	p := &Profile{Name: raw.Profile, FetalSex: FetalSexNever}
	if p.Name == "" {
		p.Name = name
	}
	p.Lab = Lab{Name: strings.TrimSpace(raw.Lab.Name), Accreditation: raw.Lab.Accreditation, Address: raw.Lab.Address, Contact: raw.Lab.Contact}
	if p.Lab.Name == "" {
		bad("lab.name is required (the laboratory name printed on every report)")
	}

	// Conditions.
	conds := raw.Screening.Conditions
	if !md.IsDefined("screening", "conditions") {
		bad("screening.conditions is required (a list of: %s)", strings.Join(AllConditions, ", "))
	}
	seen := map[string]bool{}
	for _, c := range conds {
		switch {
		case !slices.Contains(AllConditions, c):
			bad("screening.conditions: %q is not allowed (allowed: %s)", c, strings.Join(AllConditions, ", "))
		case seen[c]:
			bad("screening.conditions: %q listed twice", c)
		}
		seen[c] = true
	}
	if md.IsDefined("screening", "conditions") && len(conds) == 0 {
		bad("screening.conditions is empty: list at least one of %s", strings.Join(AllConditions, ", "))
	}
	for _, c := range AllConditions {
		if seen[c] {
			p.Conditions = append(p.Conditions, c)
		}
	}

	// Disclosure policy.
	switch fs := FetalSexPolicy(raw.Disclosure.FetalSex); fs {
	case "":
	case FetalSexNever, FetalSexMedicalIndication, FetalSexOnRequest:
		p.FetalSex = fs
	default:
		bad("disclosure.fetal_sex = %q is not allowed (allowed: never, medical_indication, on_request)", fs)
	}
	switch sp := SCAPolicy(raw.Disclosure.SCA); sp {
	case "":
		p.SCA = SCAOff
		if seen[SCA] {
			p.SCA = SCAReportPresence
		}
	case SCAOff, SCAReportPresence, SCAReportType:
		p.SCA = sp
		if sp == SCAOff && seen[SCA] {
			bad(`disclosure.sex_chromosome_aneuploidy = "off" but screening.conditions lists "SCA": remove one of them`)
		}
		if sp != SCAOff && !seen[SCA] && len(errs) == 0 {
			bad(`disclosure.sex_chromosome_aneuploidy = %q but screening.conditions does not list "SCA": add it or set "off"`, sp)
		}
	default:
		bad("disclosure.sex_chromosome_aneuploidy = %q is not allowed (allowed: off, report_presence, report_type)", sp)
	}
	for _, ind := range raw.Disclosure.AllowedIndications {
		if strings.TrimSpace(ind) == "" {
			bad("disclosure.allowed_indications contains an empty entry")
		}
	}
	p.AllowedIndications = raw.Disclosure.AllowedIndications
	if len(p.AllowedIndications) > 0 && p.FetalSex != FetalSexMedicalIndication {
		bad(`disclosure.allowed_indications is only used with fetal_sex = "medical_indication" (fetal_sex is %q)`, p.FetalSex)
	}
	p.AuditLogPath = raw.Disclosure.AuditLog
	if p.FetalSex != FetalSexNever && p.AuditLogPath == "" {
		bad("disclosure.audit_log is required when disclosure.fetal_sex = %q: every disclosure of fetal sex must be logged", p.FetalSex)
	}

	// Report layout.
	p.Report = ReportSettings{FontPath: raw.Report.Font, FontBoldPath: raw.Report.FontBold}
	for _, k := range []struct{ key, val string }{{"font", raw.Report.Font}, {"font_bold", raw.Report.FontBold}} {
		if md.IsDefined("report", k.key) && strings.TrimSpace(k.val) == "" {
			bad("report.%s is empty: give the path of a TrueType (.ttf) font, or remove the key to print with the built-in Latin fonts", k.key)
		}
	}
	if raw.Report.FontBold != "" && raw.Report.Font == "" {
		bad("report.font_bold is set but report.font is not: set report.font (the regular face) too")
	}

	// QC overrides.
	for _, m := range sortedKeys(raw.QC) {
		q := raw.QC[m]
		if !slices.Contains(QCMetrics, m) {
			bad("[qc.%s]: unknown QC metric (allowed: %s)", m, strings.Join(QCMetrics, ", "))
			continue
		}
		if q.Warn == nil && q.Fail == nil {
			bad("[qc.%s] sets neither warn nor fail", m)
		}
		if m == "aberrant_autosomes" && q.Fail != nil {
			bad("[qc.aberrant_autosomes] takes warn only: it is counted from the calls, after they are made")
		}
		for _, v := range []*float64{q.Warn, q.Fail} {
			if v != nil && (*v < 0 || *v != *v) {
				bad("qc.%s: thresholds must be non-negative numbers, got %v", m, *v)
			}
		}
		p.QC = append(p.QC, QCOverride{Metric: m, Warn: q.Warn, Fail: q.Fail})
	}

	// Performance.
	for _, c := range sortedKeys(raw.Performance) {
		if !slices.Contains(AllConditions, c) {
			bad("[performance.%s]: unknown condition (allowed: %s)", c, strings.Join(AllConditions, ", "))
		} else if !seen[c] {
			bad("[performance.%s] given but screening.conditions does not list %q", c, c)
		}
	}
	for _, c := range p.Conditions {
		rp, ok := raw.Performance[c]
		if !ok {
			bad("[performance.%s] is missing: ACMG requires detection rate, specificity and PPV/NPV (or prevalence) for every screened condition", c)
			continue
		}
		perf, err := rp.resolve(c)
		if err != nil {
			bad("%v", err)
			continue
		}
		p.Performance = append(p.Performance, perf)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

func (rp rawPerf) resolve(c string) (Performance, error) {
	key := "performance." + c
	perf := Performance{Condition: c, Basis: strings.TrimSpace(rp.Basis)}
	frac := func(name string, v *float64, lo, hi float64, open bool) (float64, error) {
		if v == nil {
			return 0, nil
		}
		if !(*v >= lo && *v <= hi) || (open && (*v == lo || *v == hi)) {
			return 0, fmt.Errorf("%s.%s = %v must be a fraction between %v and %v (e.g. 0.995 for 99.5%%)", key, name, *v, lo, hi)
		}
		return *v, nil
	}
	if rp.DetectionRate == nil || rp.Specificity == nil {
		return perf, fmt.Errorf("%s needs detection_rate and specificity", key)
	}
	var err error
	if perf.DetectionRate, err = frac("detection_rate", rp.DetectionRate, 0, 1, false); err != nil {
		return perf, err
	}
	if perf.Specificity, err = frac("specificity", rp.Specificity, 0, 1, false); err != nil {
		return perf, err
	}
	if perf.Prevalence, err = frac("prevalence", rp.Prevalence, 0, 1, true); err != nil {
		return perf, err
	}
	if perf.PPV, err = frac("ppv", rp.PPV, 0, 1, false); err != nil {
		return perf, err
	}
	if perf.NPV, err = frac("npv", rp.NPV, 0, 1, false); err != nil {
		return perf, err
	}
	if rp.PPV == nil || rp.NPV == nil {
		if rp.Prevalence == nil {
			return perf, fmt.Errorf("%s: give prevalence (PPV/NPV are then derived by Bayes' rule) or both ppv and npv", key)
		}
		ppv, npv, err := Predictive(perf.DetectionRate, perf.Specificity, perf.Prevalence)
		if err != nil {
			return perf, fmt.Errorf("%s: %w", key, err)
		}
		if rp.PPV == nil {
			perf.PPV, perf.PPVDerived = ppv, true
		}
		if rp.NPV == nil {
			perf.NPV, perf.NPVDerived = npv, true
		}
	}
	if perf.Basis == "" {
		return perf, fmt.Errorf("%s.basis is required: say where the figures come from (e.g. \"internal validation 2024, 1200 samples\")", key)
	}
	return perf, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
