package simulate

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
)

// SpecColumns are the columns of a cohort spec and of truth.tsv, in order.
// Only "sample" is required; missing columns take the defaults.
var SpecColumns = []string{
	"sample", "role", "fetal_sex", "ff", "reads", "paired", "trisomy", "mosaic", "sca", "cnvs",
	"twins", "batch", "seed", "twin2_sex", "twin2_share", "format",
}

// RealisedColumns are appended to truth.tsv: the output file (relative to
// the cohort directory), the primary reads or pairs actually drawn, the reads
// or fragments nipt count keeps with its default filters, and the fraction of
// kept autosomal reads that came from the fetus.
var RealisedColumns = []string{"file", "reads_realised", "kept", "fetal_frac_kept"}

// ReadSpecFile reads a cohort spec (or a truth.tsv) from path.
func ReadSpecFile(path string) ([]Sample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cohort spec: %w", err)
	}
	defer f.Close()
	s, err := ReadSpec(f)
	if err != nil {
		return nil, fmt.Errorf("cohort spec %s: %w", path, err)
	}
	return s, nil
}

// ReadSpec parses a tab-separated cohort spec with a header line. Lines
// starting with '#' and empty lines are skipped; unknown columns are ignored
// with a warning.
func ReadSpec(r io.Reader) ([]Sample, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<22)
	var cols []string
	var out []Sample
	ids := map[string]int{}
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			// A spreadsheet's export may start with a byte-order mark.
			text = strings.TrimPrefix(text, "\ufeff")
		}
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Split(text, "\t")
		if cols == nil {
			cols = fields
			if err := checkHeader(cols); err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
			continue
		}
		if len(fields) > len(cols) {
			return nil, fmt.Errorf("line %d: %d fields but the header has %d columns", line, len(fields), len(cols))
		}
		s, err := parseRow(cols, fields)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if prev, dup := ids[s.ID]; dup {
			return nil, fmt.Errorf("line %d: sample %s already defined on line %d (sample IDs must be unique)", line, s.ID, prev)
		}
		ids[s.ID] = line
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if cols == nil {
		return nil, fmt.Errorf("no header line (want tab-separated columns %s)", strings.Join(SpecColumns, " "))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no samples")
	}
	return out, nil
}

func checkHeader(cols []string) error {
	known := map[string]bool{}
	for _, c := range append(append([]string{}, SpecColumns...), RealisedColumns...) {
		known[c] = true
	}
	seen := map[string]bool{}
	hasSample := false
	for _, c := range cols {
		if seen[c] {
			return fmt.Errorf("column %q appears twice in the header", c)
		}
		seen[c] = true
		if c == "sample" {
			hasSample = true
		} else if !known[c] {
			slog.Warn("cohort spec: ignoring unknown column", "column", c)
		}
	}
	if !hasSample {
		return fmt.Errorf("header has no \"sample\" column (want tab-separated columns %s)", strings.Join(SpecColumns, " "))
	}
	return nil
}

func parseRow(cols, fields []string) (Sample, error) {
	s := Sample{FF: DefaultFF, Reads: DefaultReads}
	for i, c := range cols {
		v := ""
		if i < len(fields) {
			v = strings.TrimSpace(fields[i])
		}
		if v == "" {
			continue
		}
		if err := setField(&s, c, v); err != nil {
			return s, fmt.Errorf("column %s: %w", c, err)
		}
	}
	if s.ID == "" {
		return s, fmt.Errorf("column sample: empty sample ID")
	}
	return s, nil
}

func setField(s *Sample, col, v string) error {
	var err error
	switch col {
	case "sample":
		s.ID = v
	case "role":
		s.Role = strings.ToLower(v)
	case "fetal_sex":
		s.FetalSex = strings.ToLower(v)
	case "twin2_sex":
		s.Twin2Sex = strings.ToLower(v)
	case "ff":
		s.FF, err = parseFraction(v)
	case "twin2_share":
		s.Twin2Share, err = parseFraction(v)
		s.shareSet = true
	case "mosaic":
		s.Mosaic, err = parseFraction(v)
	case "reads":
		s.Reads, err = parseCount(v)
	case "paired":
		s.Paired, err = parseBool(v)
	case "twins":
		s.Twins, err = parseBool(v)
	case "trisomy":
		v = strings.TrimPrefix(strings.ToLower(v), "chr")
		v = strings.TrimPrefix(v, "t")
		s.Trisomy, err = strconv.Atoi(v)
		if err == nil && (s.Trisomy < 1 || s.Trisomy > 22) {
			err = fmt.Errorf("trisomy %d: want an autosome 1–22 or empty", s.Trisomy)
		}
	case "sca":
		if v != "-" && !strings.EqualFold(v, "none") {
			s.SCA = strings.ToUpper(v)
		}
	case "cnvs":
		for _, part := range strings.Split(v, ";") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			c, e := ParseCNV(part)
			if e != nil {
				return e
			}
			s.CNVs = append(s.CNVs, c)
		}
	case "batch":
		s.Batch = v
	case "seed":
		s.Seed, err = strconv.ParseUint(v, 10, 64)
		s.seedSet = true
	case "format":
		s.Format = strings.ToLower(v)
	}
	if err != nil {
		return fmt.Errorf("bad value %q: %w", v, err)
	}
	return nil
}

func parseFraction(v string) (float64, error) {
	pct := strings.HasSuffix(v, "%")
	f, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
	if err != nil {
		return 0, err
	}
	if pct {
		f /= 100
	}
	if !(f >= 0 && f <= 1) {
		return 0, fmt.Errorf("%v is not a fraction in [0, 1] (write 0.08 or 8%% for 8 percent)", f)
	}
	return f, nil
}

func parseCount(v string) (int64, error) {
	mult := 1.0
	switch strings.ToUpper(v[len(v)-1:]) {
	case "K":
		mult, v = 1e3, v[:len(v)-1]
	case "M":
		mult, v = 1e6, v[:len(v)-1]
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f*mult > 1e12 || f*mult != float64(int64(f*mult)) {
		return 0, fmt.Errorf("want a whole number of reads such as 4000000, 4e6 or 4M")
	}
	return int64(f * mult), nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "1", "true", "yes", "y":
		return true, nil
	case "0", "false", "no", "n":
		return false, nil
	}
	return false, fmt.Errorf("want 0 or 1")
}

func boolStr(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// specRow formats the spec columns of a resolved sample.
func specRow(s *Sample) []string {
	tri := ""
	if s.Trisomy > 0 {
		tri = strconv.Itoa(s.Trisomy)
	}
	share := ""
	if s.Twins {
		share = fmtFloat(s.Twin2Share)
	}
	return []string{
		s.ID, s.Role, s.FetalSex, fmtFloat(s.FF), strconv.FormatInt(s.Reads, 10), boolStr(s.Paired), tri,
		fmtFloat(s.Mosaic), s.SCA, s.CNVString(), boolStr(s.Twins), s.Batch, strconv.FormatUint(s.Seed, 10),
		s.Twin2Sex, share, s.Format,
	}
}

// EncodeSpec formats resolved samples as a cohort spec (cohort.tsv). With
// realised results (same length as samples) it writes truth.tsv.
func EncodeSpec(samples []Sample, realised []Realised) []byte {
	var b bytes.Buffer
	cols := SpecColumns
	if realised != nil {
		cols = append(append([]string{}, SpecColumns...), RealisedColumns...)
	}
	b.WriteString(strings.Join(cols, "\t"))
	b.WriteByte('\n')
	for i := range samples {
		row := specRow(&samples[i])
		if realised != nil {
			r := realised[i]
			row = append(row, r.File, strconv.FormatInt(r.Fragments, 10), strconv.FormatInt(r.Kept, 10),
				strconv.FormatFloat(r.FetalFracKept, 'f', 5, 64))
		}
		b.WriteString(strings.Join(row, "\t"))
		b.WriteByte('\n')
	}
	return b.Bytes()
}
