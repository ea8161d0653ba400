package evaluate

import (
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Called is one row of summary.tsv: what nipt analyze reported.
type Called struct {
	Sample   string
	Line     int
	QCStatus string // "pass", "warn", "fail" ("" when the column is absent)
	FF       float64
	FFLow    float64
	FFHigh   float64
	// Z holds chromosome z-scores by autosome number from z<N> columns.
	Z    map[int]float64
	ZX   float64 // sex-dependent; NaN when redacted
	ZRAT float64 // score for rare autosomal trisomies from a zRAT column
	// Calls holds trisomy calls by autosome number, from call<N> columns
	// and the rat column; an absent key means not reported.
	Calls map[int]Call
	SCA   SCACall
	CNVs  []CNV
	// CNVsReported is false when the summary has no cnvs column or NA.
	CNVsReported bool
	NoCallReason string
	// AberrantAutosomes are the autosomes with a change (column
	// aberrant_autosomes, ';'-joined).
	AberrantAutosomes []string
}

// SCACall is the sex-chromosome result of one sample. Type is set when the
// disclosure policy names the type; otherwise only Call is known.
type SCACall struct {
	Call Call
	Type string // "" or one of 45,X 47,XXX 47,XXY 47,XYY
}

// QCFail reports whether the sample failed QC: no result is issued for it.
func (c *Called) QCFail() bool { return c.QCStatus == "fail" }

// Summary is a parsed summary.tsv: its rows and which optional columns it
// has (a condition whose column is absent is reported as not evaluated).
type Summary struct {
	Name       string // file name, for messages
	Samples    []Called
	CallChroms []int // autosomes with a call<N> column or covered by the rat column
	ZChroms    []int // autosomes with a z<N> column
	HasRAT     bool  // rat column present
	HasZRAT    bool
	HasSCA     bool
	HasCNVs    bool
	// HasAberrations: the summary has an aberrant_autosomes column.
	HasAberrations bool
	HasZX          bool
	HasFF          bool

	screened    map[int]bool // autosomes with a reported call for some sample
	scaScreened bool         // some sample has a reported sca call
}

var (
	reCallCol = regexp.MustCompile(`^call(\d+)$`)
	reZCol    = regexp.MustCompile(`^z(\d+)$`)
)

// ReadSummaryFile reads summary.tsv.
func ReadSummaryFile(path string) (*Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read summary file: %w", err)
	}
	defer f.Close()
	return ParseSummary(f, path)
}

// ParseSummary reads a summary table written by nipt analyze. Columns (any
// order, unknown columns ignored): sample (required), qc_status, ff, ff_low,
// ff_high, z<N> (z13, z18, z21, …), zX, zRAT, call<N> (call13, call18,
// call21, …), rat (rare autosomal trisomies called high risk, e.g. "T16" or
// "T16;T7", "no_call", or empty for none), sca (low_risk|high_risk|no_call or
// a karyotype such as 47,XXY), cnvs (';'-joined
// chrom:start-end:gain|loss[:fetal|maternal|uncertain]), no_call_reason.
// Missing numbers are NA.
func ParseSummary(r io.Reader, name string) (*Summary, error) {
	var out []Called
	seen := map[string]int{}
	var info *Summary
	_, err := readTable(r, name, []string{"sample"}, func(rw row) error {
		if info == nil {
			info = inspectSummary(rw.t)
		}
		c, err := parseSummaryRow(rw, info)
		if err != nil {
			return err
		}
		if prev, dup := seen[c.Sample]; dup {
			return rw.errf("sample", "sample %q already appears on line %d (sample IDs must be unique)", c.Sample, prev)
		}
		seen[c.Sample] = rw.line
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if info == nil {
		return nil, fmt.Errorf("%s: no sample rows after the header", name)
	}
	info.Samples = out
	info.screened = map[int]bool{}
	for _, c := range out {
		for chrom := range c.Calls {
			info.screened[chrom] = true
		}
		info.scaScreened = info.scaScreened || c.SCA.Call != NotReported
	}
	return info, nil
}

func inspectSummary(t *table) *Summary {
	info := &Summary{
		Name:   t.name,
		HasRAT: t.has("rat"), HasZRAT: t.has("zrat"), HasSCA: t.has("sca"),
		HasCNVs: t.has("cnvs"), HasZX: t.has("zx"), HasFF: t.has("ff"), HasAberrations: t.has("aberrant_autosomes"),
	}
	calls := map[int]bool{}
	for _, h := range t.header {
		h = strings.ToLower(strings.TrimSpace(h))
		if m := reCallCol.FindStringSubmatch(h); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n >= 1 && n <= 22 {
				calls[n] = true
			}
		}
		if m := reZCol.FindStringSubmatch(h); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n >= 1 && n <= 22 {
				info.ZChroms = append(info.ZChroms, n)
			}
		}
	}
	if info.HasRAT {
		for n := 1; n <= 22; n++ {
			if !isCommonTrisomy(n) {
				calls[n] = true
			}
		}
	}
	for n := 1; n <= 22; n++ {
		if calls[n] {
			info.CallChroms = append(info.CallChroms, n)
		}
	}
	slices.Sort(info.ZChroms)
	return info
}

// isCommonTrisomy reports whether chrom is 13, 18 or 21.
func isCommonTrisomy(chrom int) bool { return chrom == 13 || chrom == 18 || chrom == 21 }

func parseSummaryRow(r row, info *Summary) (Called, error) {
	c := Called{Line: r.line, Z: map[int]float64{}, Calls: map[int]Call{}, ZRAT: math.NaN()}
	var err error
	if c.Sample, err = parseSampleID(r); err != nil {
		return c, err
	}
	switch v := lowerTrim(r.get("qc_status")); v {
	case "pass", "warn", "fail", "":
		c.QCStatus = v
	case "passed", "ok":
		c.QCStatus = "pass"
	case "failed":
		c.QCStatus = "fail"
	case "warning":
		c.QCStatus = "warn"
	default:
		return c, errUnknownValue(r, "qc_status", v, "pass, warn, fail")
	}
	for _, f := range []struct {
		col string
		dst *float64
	}{{"ff", &c.FF}, {"ff_low", &c.FFLow}, {"ff_high", &c.FFHigh}} {
		if *f.dst, err = parseEstimate(r, f.col); err != nil {
			return c, err
		}
	}
	for _, n := range info.ZChroms {
		col := "z" + strconv.Itoa(n)
		if c.Z[n], err = parseNumber(r, col); err != nil {
			return c, err
		}
	}
	if c.ZX, err = parseNumber(r, "zX"); err != nil {
		return c, err
	}
	if info.HasZRAT {
		if c.ZRAT, err = parseNumber(r, "zRAT"); err != nil {
			return c, err
		}
	}
	if info.HasRAT {
		if err := parseRAT(r, c.Calls); err != nil {
			return c, err
		}
	}
	for _, n := range info.CallChroms {
		col := "call" + strconv.Itoa(n)
		if !r.t.has(col) {
			continue
		}
		v := r.get(col)
		call, ok := parseCall(v)
		if !ok {
			return c, errUnknownValue(r, col, v, "high_risk, low_risk, no_call, NA")
		}
		if call == NotReported {
			delete(c.Calls, n)
			continue
		}
		c.Calls[n] = call
	}
	if c.SCA, err = parseSCACall(r); err != nil {
		return c, err
	}
	if info.HasCNVs {
		c.CNVsReported = !strings.EqualFold(r.get("cnvs"), "NA")
	}
	if c.CNVs, err = parseCNVList(r, "cnvs", false); err != nil {
		return c, err
	}
	if v := r.get("aberrant_autosomes"); !isNA(v) {
		for _, a := range strings.Split(v, ";") {
			if a = strings.TrimSpace(a); a != "" {
				c.AberrantAutosomes = append(c.AberrantAutosomes, a)
			}
		}
	}
	c.NoCallReason = r.get("no_call_reason")
	if isNA(c.NoCallReason) {
		c.NoCallReason = ""
	}
	return c, nil
}

// parseRAT reads the rat column into calls for every autosome except 13,
// 18 and 21: listed chromosomes are high risk ("T16", "16", "T16:no_call"),
// the others low risk; "no_call" makes them all no-calls; NA, empty,
// "low_risk" and "none" mean none detected.
func parseRAT(r row, calls map[int]Call) error {
	v := r.get("rat")
	if strings.EqualFold(v, "NA") {
		return nil // not reported
	}
	base := LowRisk
	if isNA(v) { // empty, "none", "-": none detected
		v = ""
	} else if call, ok := parseCall(v); ok {
		if call == HighRisk {
			return r.errf("rat", "%q does not say which chromosome: list the trisomies, e.g. T16 or T16;T7", v)
		}
		base, v = call, ""
	}
	for n := 1; n <= 22; n++ {
		if !isCommonTrisomy(n) {
			calls[n] = base
		}
	}
	for _, item := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ',' || r == ' ' }) {
		chromPart, callPart, hasCall := strings.Cut(item, ":")
		n, ok := autosome(chromPart)
		if !ok || n == 0 || isCommonTrisomy(n) {
			return r.errf("rat", "%q is not a rare autosomal trisomy (T1–T22 except T13, T18, T21)", item)
		}
		call := HighRisk
		if hasCall {
			if call, ok = parseCall(callPart); !ok || call == NotReported {
				return errUnknownValue(r, "rat", item, "T<n>, T<n>:high_risk, T<n>:no_call, T<n>:low_risk")
			}
		}
		calls[n] = call
	}
	return nil
}

// parseSCACall reads the sca column: a call (presence disclosure) or a
// karyotype (type disclosure). A karyotype means high risk for that type.
func parseSCACall(r row) (SCACall, error) {
	v := r.get("sca")
	if call, ok := parseCall(v); ok {
		return SCACall{Call: call}, nil
	}
	typ, ok := parseSCAType(v)
	if !ok {
		return SCACall{}, errUnknownValue(r, "sca", v, "low_risk, high_risk, no_call, NA, or a karyotype 45,X, 47,XXX, 47,XXY, 47,XYY")
	}
	if typ == "" {
		return SCACall{Call: LowRisk}, nil
	}
	return SCACall{Call: HighRisk, Type: typ}, nil
}
