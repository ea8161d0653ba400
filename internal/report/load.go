package report

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/nipt/nipt/internal/analyze"
	"github.com/nipt/nipt/internal/result"
)

// Batch is one analysis directory (one sequencing run) as written by
// nipt analyze: OUTDIR/summary.tsv and OUTDIR/SAMPLE/{result.json,bins.tsv}.
type Batch struct {
	ID      string // the directory name: batches are ordered by it
	Dir     string
	Results []*result.Result
	// Offsets is the batch QC of nipt analyze (OUTDIR/batch_qc.tsv); nil
	// when the directory has none (an older analysis, or the check off).
	Offsets []analyze.BatchOffset
}

// LoadBatch reads an analysis directory. Samples are taken in the order of
// summary.tsv when it exists, else in name order of the sub-directories
// holding a result.json.
func LoadBatch(dir string) (*Batch, error) {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, fmt.Errorf("analysis directory %s not found: give the -o directory of nipt analyze", dir)
	}
	samples, err := listSamples(dir)
	if err != nil {
		return nil, err
	}
	if len(samples) == 0 {
		return nil, fmt.Errorf("analysis directory %s holds no sample results (SAMPLE/result.json): run nipt analyze first", dir)
	}
	b := &Batch{ID: filepath.Base(filepath.Clean(dir)), Dir: dir}
	for _, s := range samples {
		r, err := LoadResult(filepath.Join(dir, s))
		if err != nil {
			return nil, err
		}
		if r.Sample != s {
			return nil, fmt.Errorf("%s: sample %q in result.json does not match its directory %q", filepath.Join(dir, s, "result.json"), r.Sample, s)
		}
		b.Results = append(b.Results, r)
	}
	if b.Offsets, err = analyze.ReadBatch(filepath.Join(dir, analyze.BatchFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return b, nil
}

func listSamples(dir string) ([]string, error) {
	f, err := os.Open(filepath.Join(dir, analyze.SummaryFile))
	if err == nil {
		defer f.Close()
		return summarySamples(f, filepath.Join(dir, analyze.SummaryFile))
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading analysis directory %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading analysis directory %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), analyze.ResultFile)); e.IsDir() && err == nil {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// summarySamples returns the sample column of a summary.tsv.
func summarySamples(r io.Reader, name string) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	col, line := -1, 0
	var out []string
	for sc.Scan() {
		line++
		fields := strings.Split(strings.TrimRight(sc.Text(), "\r"), "\t")
		if col < 0 {
			for i, f := range fields {
				if strings.TrimPrefix(f, "#") == "sample" {
					col = i
				}
			}
			if col < 0 {
				return nil, fmt.Errorf("%s: first line has no \"sample\" column: is this a nipt summary.tsv?", name)
			}
			continue
		}
		if len(fields) <= col || fields[col] == "" {
			return nil, fmt.Errorf("%s:%d: no sample name", name, line)
		}
		out = append(out, fields[col])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return out, nil
}

// LoadResult reads SAMPLEDIR/result.json and SAMPLEDIR/bins.tsv.
func LoadResult(sampleDir string) (*result.Result, error) {
	path := filepath.Join(sampleDir, analyze.ResultFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading result: %w (run nipt analyze for this sample)", err)
	}
	var r result.Result
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: not a nipt result: %w", path, err)
	}
	if major(r.SchemaVersion) != major(result.SchemaVersion) {
		return nil, fmt.Errorf("%s: result schema version %q, this nipt reads %s: use the nipt version that wrote it or rerun nipt analyze", path, r.SchemaVersion, result.SchemaVersion)
	}
	if !safeName(r.Sample) {
		return nil, fmt.Errorf("%s: sample ID %q cannot be used as a file name", path, r.Sample)
	}
	binsPath := filepath.Join(sampleDir, analyze.BinsTSVFile)
	bf, err := os.Open(binsPath)
	if err != nil {
		return nil, fmt.Errorf("reading bins: %w (nipt analyze writes bins.tsv next to result.json; the plots need it)", err)
	}
	defer bf.Close()
	if r.Bins, err = ReadBins(bf, binsPath); err != nil {
		return nil, err
	}
	return &r, nil
}

func major(v string) string { return strings.SplitN(v, ".", 2)[0] }

// safeName accepts sample IDs usable as a file or directory name.
func safeName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, `/\`+"\x00")
}

// ReadBins parses a bins.tsv: columns chrom, start, end, ratio, z, masked;
// lines starting with '#' and a header line starting with "chrom" are
// skipped; "NA"/"nan" ratios and z-scores are NaN.
func ReadBins(r io.Reader, name string) ([]result.Bin, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	var out []result.Bin
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimRight(sc.Text(), "\r")
		if t == "" || t[0] == '#' || strings.HasPrefix(t, "chrom\t") {
			continue
		}
		f := strings.Split(t, "\t")
		if len(f) < 6 {
			return nil, fmt.Errorf("%s:%d: %d columns, want 6 (chrom start end ratio z masked)", name, line, len(f))
		}
		b := result.Bin{Chrom: f[0]}
		var err error
		if b.Start, err = strconv.Atoi(f[1]); err != nil || b.Start < 0 {
			return nil, fmt.Errorf("%s:%d: bad start %q", name, line, f[1])
		}
		if b.End, err = strconv.Atoi(f[2]); err != nil || b.End <= b.Start {
			return nil, fmt.Errorf("%s:%d: bad end %q (must exceed start %d)", name, line, f[2], b.Start)
		}
		if b.Ratio, err = parseNum(f[3]); err != nil {
			return nil, fmt.Errorf("%s:%d: bad ratio %q", name, line, f[3])
		}
		if b.Z, err = parseNum(f[4]); err != nil {
			return nil, fmt.Errorf("%s:%d: bad z %q", name, line, f[4])
		}
		switch strings.ToLower(f[5]) {
		case "1", "true", "yes":
			b.Masked = true
		case "0", "false", "no":
		default:
			return nil, fmt.Errorf("%s:%d: masked must be 0 or 1, got %q", name, line, f[5])
		}
		out = append(out, b)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return out, nil
}

func parseNum(s string) (float64, error) {
	switch strings.ToLower(s) {
	case "na", "nan", "":
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}
