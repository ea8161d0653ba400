package evaluate

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"strconv"
)

// Truth is one row of truth.tsv: what a sample really carries.
type Truth struct {
	Sample string
	Line   int  // line in the truth file, for messages
	Test   bool // role "test" (reference samples are not evaluated)
	// FetalSex is "female", "male" or "" (unknown). Sensitive: used only for
	// the FF-by-sex statistics, never logged.
	FetalSex string
	FF       float64 // true fetal fraction; NaN when unknown
	Trisomy  int     // autosome number, 0 for none
	Mosaic   float64 // fraction of fetal cells with the trisomy; 1 = full
	SCA      string  // "", "45,X", "47,XXX", "47,XXY", "47,XYY"
	CNVs     []CNV
	Twins    bool
	Batch    string
}

// FullTrisomy reports whether the sample carries a non-mosaic trisomy of chrom.
func (t *Truth) FullTrisomy(chrom int) bool {
	return t.Trisomy == chrom && chrom != 0 && !t.IsMosaic()
}

// IsMosaic reports whether the trisomy (if any) is mosaic. A mosaic fraction
// written as 0.999… still counts as full (rounding in the writer).
func (t *Truth) IsMosaic() bool { return t.Trisomy != 0 && t.Mosaic < 1-1e-9 }

// ReadTruthFile reads truth.tsv.
func ReadTruthFile(path string) ([]Truth, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read truth file: %w", err)
	}
	defer f.Close()
	return ParseTruth(f, path)
}

// ParseTruth reads a truth table. Columns (header line required, any order,
// unknown columns ignored): sample (required), role (reference|test;
// default test), fetal_sex (female|male; default unknown), ff (fraction;
// default unknown), trisomy (autosome number or empty), mosaic (fraction of
// fetal cells; default 1), sca (empty|45,X|47,XXY|47,XXX|47,XYY), cnvs
// (';'-joined chrom:start-end:gain|loss:fetal|maternal|maternal_inherited),
// twins (0|1; default 0), batch. name is used in error messages.
func ParseTruth(r io.Reader, name string) ([]Truth, error) {
	var out []Truth
	seen := map[string]int{}
	t, err := readTable(r, name, []string{"sample"}, func(rw row) error {
		tr, err := parseTruthRow(rw)
		if err != nil {
			return err
		}
		if prev, dup := seen[tr.Sample]; dup {
			return rw.errf("sample", "sample %q already appears on line %d (sample IDs must be unique)", tr.Sample, prev)
		}
		seen[tr.Sample] = rw.line
		out = append(out, tr)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, c := range []string{"role", "ff", "trisomy", "sca", "cnvs"} {
		if !t.has(c) {
			slog.Info("truth file has no column; using its default", "file", name, "column", c)
		}
	}
	return out, nil
}

func parseTruthRow(r row) (Truth, error) {
	tr := Truth{Line: r.line, Test: true, Mosaic: 1, FF: math.NaN()}
	var err error
	if tr.Sample, err = parseSampleID(r); err != nil {
		return tr, err
	}
	switch v := lowerTrim(r.get("role")); v {
	case "test", "":
	case "reference", "ref":
		tr.Test = false
	default:
		return tr, errUnknownValue(r, "role", v, "reference, test")
	}
	switch v := lowerTrim(r.get("fetal_sex")); v {
	case "female", "f":
		tr.FetalSex = "female"
	case "male", "m":
		tr.FetalSex = "male"
	case "", "na", "unknown", "-":
	default:
		return tr, errUnknownValue(r, "fetal_sex", v, "female, male")
	}
	if tr.FF, err = parseFraction(r, "ff"); err != nil {
		return tr, err
	}
	var ok bool
	if tr.Trisomy, ok = autosome(r.get("trisomy")); !ok {
		return tr, r.errf("trisomy", "%q is not an autosome number 1–22 or empty (sex-chromosome aneuploidies go in the sca column)", r.get("trisomy"))
	}
	if s := r.get("mosaic"); !isNA(s) {
		m, err := strconv.ParseFloat(s, 64)
		if err != nil || !(m > 0 && m <= 1) {
			return tr, r.errf("mosaic", "%q is not a fraction in (0, 1] (1 = every fetal cell carries the trisomy)", s)
		}
		tr.Mosaic = m
	}
	if s := r.get("sca"); !isNA(s) {
		typ, ok := parseSCAType(s)
		if !ok {
			return tr, errUnknownValue(r, "sca", s, "empty, 45,X, 47,XXY, 47,XXX, 47,XYY")
		}
		tr.SCA = typ
	}
	if tr.CNVs, err = parseCNVList(r, "cnvs", true); err != nil {
		return tr, err
	}
	switch v := lowerTrim(r.get("twins")); v {
	case "", "0", "false", "no", "na":
	case "1", "true", "yes":
		tr.Twins = true
	default:
		return tr, errUnknownValue(r, "twins", v, "0, 1")
	}
	tr.Batch = r.get("batch")
	return tr, nil
}
