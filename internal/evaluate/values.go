package evaluate

import (
	"math"
	"strconv"
	"strings"
)

// isNA reports whether a cell means "no value".
func isNA(s string) bool {
	switch strings.ToLower(s) {
	case "", "na", "nan", ".", "-", "none", "null":
		return true
	}
	return false
}

// parseNumber parses a number cell; NA spellings give NaN.
func parseNumber(r row, col string) (float64, error) {
	s := r.get(col)
	if isNA(s) {
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, r.errf(col, "%q is not a number (use NA for a missing value)", s)
	}
	return v, nil
}

// parseFraction parses a fraction in [0, 1] ("8%" is read as 0.08, as
// nipt simulate allows in cohort specs); NA gives NaN.
func parseFraction(r row, col string) (float64, error) {
	if s := r.get(col); strings.HasSuffix(s, "%") {
		v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
		if err != nil || !(v >= 0 && v <= 100) {
			return 0, r.errf(col, "%q is not a percentage between 0%% and 100%%", s)
		}
		return v / 100, nil
	}
	v, err := parseNumber(r, col)
	if err != nil {
		return 0, err
	}
	if !math.IsNaN(v) && (v < 0 || v > 1) {
		return 0, r.errf(col, "%v is not a fraction between 0 and 1 (write 8%% as 0.08)", v)
	}
	return v, nil
}

// parseEstimate parses an estimated fraction. Estimators and their
// intervals can dip below 0 at very low FF (regression-based methods), so
// values in [−1, 1] are accepted; anything above 1 is almost surely a
// percentage and is refused.
func parseEstimate(r row, col string) (float64, error) {
	v, err := parseNumber(r, col)
	if err != nil {
		return 0, err
	}
	if !math.IsNaN(v) && (v < -1 || v > 1) {
		return 0, r.errf(col, "%v is not a fraction (write 8%% as 0.08)", v)
	}
	return v, nil
}

// canonicalChrom maps "chr21", "21", "chrX", "x" to "21", "X". It returns
// "" for names that are not chr1–22, X or Y.
func canonicalChrom(s string) string {
	c := strings.TrimSpace(s)
	if len(c) > 3 && strings.EqualFold(c[:3], "chr") {
		c = c[3:]
	}
	switch strings.ToUpper(c) {
	case "X":
		return "X"
	case "Y":
		return "Y"
	}
	if n, err := strconv.Atoi(c); err == nil && n >= 1 && n <= 22 && strconv.Itoa(n) == c {
		return c
	}
	return ""
}

// autosome parses a trisomy cell: "21", "chr21", "T21", "+21" → 21.
// NA spellings and "0" give 0 (no trisomy).
func autosome(s string) (int, bool) {
	if isNA(s) || s == "0" {
		return 0, true
	}
	c := strings.TrimPrefix(strings.TrimPrefix(s, "+"), "T")
	c = strings.TrimPrefix(c, "t")
	if c == "" {
		return 0, false
	}
	name := canonicalChrom(c)
	if name == "" || name == "X" || name == "Y" {
		return 0, false
	}
	n, _ := strconv.Atoi(name)
	return n, true
}

// Call is a screening outcome as written in summary.tsv.
type Call string

// Screening outcomes. NotReported means the summary has no value for the
// condition (column absent or NA), for example because the lab does not
// screen for it.
const (
	HighRisk    Call = "high_risk"
	LowRisk     Call = "low_risk"
	NoCall      Call = "no_call"
	NotReported Call = "not_reported"
)

// parseCall reads a call cell. Accepted: high_risk, low_risk, no_call (also
// with a hyphen or space, any case) and the synonyms positive/detected,
// negative/not_detected; NA spellings give NotReported.
func parseCall(s string) (Call, bool) {
	if isNA(s) {
		return NotReported, true
	}
	switch strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(s)) {
	case "high_risk", "high", "positive", "detected":
		return HighRisk, true
	case "low_risk", "low", "negative", "not_detected":
		return LowRisk, true
	case "no_call", "nocall", "failed", "fail":
		return NoCall, true
	}
	return "", false
}

// SCA karyotypes, as written in truth.tsv and (type disclosure) summary.tsv.
var scaTypes = []string{"45,X", "47,XXX", "47,XXY", "47,XYY"}

// parseSCAType normalises "47,XXY", "47XXY", "XXY" → "47,XXY"; "45,X",
// "45X", "XO", "X0" → "45,X". Normal karyotypes give "" with ok.
func parseSCAType(s string) (string, bool) {
	u := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	u = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(u, "45,"), "47,"), "46,")
	u = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(u, "45"), "47"), "46")
	switch u {
	case "X", "XO", "X0":
		return "45,X", true
	case "XXX":
		return "47,XXX", true
	case "XXY":
		return "47,XXY", true
	case "XYY":
		return "47,XYY", true
	case "XX", "XY":
		return "", true
	}
	return "", false
}

// parseSampleID checks the sample cell.
func parseSampleID(r row) (string, error) {
	id := r.get("sample")
	if id == "" {
		return "", r.errf("sample", "empty sample ID")
	}
	if strings.HasPrefix(id, "#") {
		return "", r.errf("sample", "sample ID %q starts with '#', which marks comment lines in these tables", clip(id))
	}
	return id, nil
}

// errUnknownValue formats the error for a cell outside its vocabulary.
func errUnknownValue(r row, col, value, allowed string) error {
	return r.errf(col, "unknown value %q (allowed: %s)", value, allowed)
}

// lowerTrim is strings.ToLower(strings.TrimSpace(s)).
func lowerTrim(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
