package disclosure

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"

	"github.com/nipt/nipt/internal/result"
)

// sexPattern matches text that names or implies a fetal sex: the words male,
// female (any case, also inside words), boy, girl, gender, "fetal sex",
// "fetal_sex", chrX/chrY, "X/Y chromosome", and karyotype fragments (XX, XY,
// XXX, XXY, XYY, XO; "45,X", "47,XXY"). The word "sex" alone ("sex chromosome
// aneuploidy") names no sex and is allowed.
var sexPattern = regexp.MustCompile(`(?i:male|\bboys?\b|\bgirls?\b|\bgender\b|fetal[ _]sex|chr[xy]|\b[xy][ _-]chromosome)|(?:^|[^A-Za-z])(?:XX|XY|XXX|XXY|XYY|XO)(?:$|[^A-Za-z])|\b4[5-8], ?X`)

// SexPattern reports whether s contains text that names or implies a fetal
// sex (see sexPattern). Writers use it to check free text before output.
func SexPattern(s string) bool { return sexPattern.MatchString(s) }

// Verify checks that a view is consistent with its disclosure record: when
// the record says the view is sex-blind, it carries no fetal sex, no chrX or
// chrY chromosome row, bin, segment or CNV, no zX/zY, no sex-chromosome
// fetal-fraction method, and no string that names a sex (the sample ID,
// tool and reference identifiers, and an SCA type named under report_type
// are exempt). Writers call it on every view they did not make with Apply.
func Verify(v *result.Result) error {
	d := v.Disclosure
	if d == nil {
		return fmt.Errorf("result of sample %s has no disclosure record: pass it through disclosure.Apply first", v.Sample)
	}
	if d.SCAZRemoved && (v.SCA.ZX != 0 || v.SCA.ZY != 0) {
		return fmt.Errorf("sex-chromosome z-scores present in a view that removed them")
	}
	if SCAPolicy(d.SexChromosomeAneuploidy) != SCAReportType && v.SCA.Type != "" {
		return fmt.Errorf("sex-chromosome aneuploidy type named under policy %q", d.SexChromosomeAneuploidy)
	}
	if !d.SexBlind {
		return nil
	}
	if v.FetalSex != "" {
		return fmt.Errorf("fetal sex present in a sex-blind view")
	}
	for _, c := range []struct {
		what  string
		chrom string // first chrX/chrY entry, "" if none
	}{
		{"chromosome values", sexChromIn(v.Chromosomes, func(c result.Chromosome) string { return c.Chrom })},
		{"bins", sexChromIn(v.Bins, func(b result.Bin) string { return b.Chrom })},
		{"segments", sexChromIn(v.Segments, func(s result.Segment) string { return s.Chrom })},
		{"CNV", sexChromIn(v.CNVs, func(c result.CNV) string { return c.Chrom })},
	} {
		if c.chrom != "" {
			return fmt.Errorf("%s %s present in a sex-blind view", c.chrom, c.what)
		}
	}
	for _, m := range v.FetalFraction.Methods {
		if sexMethod(m.Method) {
			return fmt.Errorf("fetal-fraction method %q present in a sex-blind view", m.Method)
		}
	}
	// Scan every remaining string, minus the exempt identifiers.
	s := *v
	s.Sample, s.Tool, s.Reference.ID, s.Reference.Build = "", result.Tool{}, "", ""
	s.Bins = nil // chromosome names checked above; bins hold no other string
	if SCAPolicy(d.SexChromosomeAneuploidy) == SCAReportType {
		s.SCA.Type = ""
	}
	// The error names the field, never the text: an error message shown
	// for one sample must not itself disclose what it withholds.
	var bad []string
	walkStrings(reflect.ValueOf(&s).Elem(), "result", func(path, str string) {
		if sexPattern.MatchString(str) {
			bad = append(bad, path)
		}
	})
	if len(bad) > 0 {
		sort.Strings(bad) // map keys come in random order; keep the error deterministic
		return fmt.Errorf("sex-revealing text in %s of a sex-blind view: the analysis must not put sex information in free text", bad[0])
	}
	return nil
}

// sexChromIn returns the chromosome of the first element of xs on chrX or
// chrY, or "" when there is none.
func sexChromIn[T any](xs []T, chrom func(T) string) string {
	for _, x := range xs {
		if c := chrom(x); IsSexChrom(c) {
			return c
		}
	}
	return ""
}

// walkStrings calls f with every string and map key reachable from v, and
// the path to it (Go field names, [i] for elements, [key] for map values).
func walkStrings(v reflect.Value, path string, f func(path, s string)) {
	switch v.Kind() {
	case reflect.String:
		f(path, v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkStrings(v.Elem(), path, f)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			walkStrings(v.Field(i), path+"."+v.Type().Field(i).Name, f)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walkStrings(v.Index(i), fmt.Sprintf("%s[%d]", path, i), f)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			walkStrings(k, path+" key", f)
			walkStrings(v.MapIndex(k), path+"[key]", f)
		}
	}
}
