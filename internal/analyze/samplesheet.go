package analyze

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
)

// SampleInfo is what the laboratory knows of a sample beyond its reads,
// from its sample sheet (ReadSampleSheet).
type SampleInfo struct {
	// Pregnancy is result.PregnancySingleton (also ""),
	// result.PregnancyTwin — each fetus taken to carry half the fetal
	// fraction: trisomy, CNV and minimum-fetal-fraction decisions use that
	// share, and the sex chromosomes are not assessed (docs/method.md §6) —
	// or result.PregnancyMonochorionic: monozygotic twins sharing one
	// karyotype, called as a singleton.
	Pregnancy string
	// SexRequested, when set, says whether this sample's request asks for
	// the fetal sex (profiles with fetal_sex = "on_request"), instead of
	// the batch's --sex-requested.
	SexRequested *bool
	// Indication is this sample's clinical indication for fetal sex
	// determination (profiles with fetal_sex = "medical_indication");
	// empty: the batch's --indication.
	Indication string
}

// Request returns the disclosure request of a sample with info i in a
// batch whose default request is req.
func (i SampleInfo) Request(req disclosure.Request) disclosure.Request {
	if i.SexRequested != nil {
		req.SexRequested = *i.SexRequested
	}
	if i.Indication != "" {
		req.Indication = i.Indication
	}
	return req
}

// ReadSampleSheet reads a sample sheet: tab-separated, a header line naming
// the columns, one line per sample; lines starting with '#' and empty lines
// are skipped. Columns: sample (required: the counts file's sample ID),
// pregnancy (singleton, twin or twin_monochorionic; empty means
// singleton), sex_requested
// (yes or no; empty: the batch's --sex-requested) and indication (the
// clinical indication for fetal sex determination; empty: the batch's
// --indication). Other columns — a laboratory sheet carries many — are
// ignored.
func ReadSampleSheet(path string) (map[string]SampleInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sample sheet: %w", err)
	}
	defer f.Close()
	m, err := ParseSampleSheet(f)
	if err != nil {
		return nil, fmt.Errorf("sample sheet %s: %w", path, err)
	}
	return m, nil
}

// ParseSampleSheet parses a sample sheet (ReadSampleSheet) from r.
func ParseSampleSheet(r io.Reader) (map[string]SampleInfo, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<22)
	out := map[string]SampleInfo{}
	col := map[string]int{}
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if len(col) == 0 {
			// A spreadsheet's export may start with a byte-order mark.
			text = strings.TrimPrefix(text, "\ufeff")
		}
		fields := strings.Split(text, "\t")
		if len(col) == 0 {
			for i, h := range fields {
				col[strings.ToLower(strings.TrimSpace(h))] = i
			}
			if _, ok := col["sample"]; !ok {
				hint := ""
				if len(fields) == 1 && strings.ContainsAny(text, ",;") {
					hint = "; the file looks comma- or semicolon-separated: export it as tab-separated text"
				}
				return nil, fmt.Errorf("line %d: the header has no sample column (want tab-separated columns sample and pregnancy)%s", line, hint)
			}
			if _, ok := col["pregnancy"]; !ok {
				slog.Warn("sample sheet has no pregnancy column: every sample is taken as a singleton pregnancy")
			}
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(fields) {
				return strings.TrimSpace(fields[i])
			}
			return ""
		}
		id := get("sample")
		if id == "" {
			return nil, fmt.Errorf("line %d: empty sample ID", line)
		}
		if _, dup := out[id]; dup {
			return nil, fmt.Errorf("line %d: sample %q listed twice", line, id)
		}
		var info SampleInfo
		switch p := strings.ToLower(get("pregnancy")); p {
		case "", result.PregnancySingleton:
		case result.PregnancyTwin, "twins", "twin_dichorionic", "dichorionic":
			info.Pregnancy = result.PregnancyTwin
		case result.PregnancyMonochorionic, "monochorionic":
			info.Pregnancy = result.PregnancyMonochorionic
		default:
			return nil, fmt.Errorf("line %d: sample %s: pregnancy %q: want singleton, twin (dichorionic or chorionicity unknown) or twin_monochorionic (higher-order multiples are not supported)", line, id, p)
		}
		switch v := strings.ToLower(get("sex_requested")); v {
		case "":
		case "yes", "y", "true", "1":
			t := true
			info.SexRequested = &t
		case "no", "n", "false", "0":
			f := false
			info.SexRequested = &f
		default:
			return nil, fmt.Errorf("line %d: sample %s: sex_requested %q: want yes, no or empty", line, id, v)
		}
		info.Indication = get("indication")
		out[id] = info
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(col) == 0 {
		return nil, fmt.Errorf("empty: want a header line with the columns sample and pregnancy")
	}
	return out, nil
}
