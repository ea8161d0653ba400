package evaluate

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/nipt/nipt/internal/atomicfile"
)

// JSONFile is the name of the JSON report written by WriteFiles.
const JSONFile = "evaluation.json"

// EvaluateFiles reads truth.tsv and summary.tsv, records their SHA-256 in
// the report and evaluates.
func EvaluateFiles(truthPath, summaryPath string, opt Options) (*Report, error) {
	truth, tIn, err := readDigest(truthPath, "truth", func(r io.Reader) ([]Truth, error) { return ParseTruth(r, truthPath) })
	if err != nil {
		return nil, err
	}
	sum, sIn, err := readDigest(summaryPath, "summary", func(r io.Reader) (*Summary, error) { return ParseSummary(r, summaryPath) })
	if err != nil {
		return nil, err
	}
	rep, err := Evaluate(truth, sum, opt)
	if err != nil {
		return nil, err
	}
	rep.Inputs = []InputFile{tIn, sIn}
	return rep, nil
}

// readDigest parses a file while hashing it.
func readDigest[T any](path, role string, parse func(io.Reader) (T, error)) (T, InputFile, error) {
	var zero T
	f, err := os.Open(path)
	if err != nil {
		return zero, InputFile{}, fmt.Errorf("cannot read %s file: %w", role, err)
	}
	defer f.Close()
	h := sha256.New()
	v, err := parse(io.TeeReader(f, h))
	if err != nil {
		return zero, InputFile{}, err
	}
	if _, err := io.Copy(h, f); err != nil { // rest after the parser stopped, if any
		return zero, InputFile{}, fmt.Errorf("reading %s: %w", path, err)
	}
	return v, InputFile{Role: role, Name: filepath.Base(path), SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteJSONFile writes evaluation.json into dir, creating it if needed.
func (r *Report) WriteJSONFile(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create output directory %s: %w", dir, err)
	}
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		return nil, fmt.Errorf("encoding %s: %w", JSONFile, err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, JSONFile), buf.Bytes()); err != nil {
		return nil, err
	}
	return []string{JSONFile}, nil
}

// WriteFiles writes evaluation.json and the plots into dir, creating it if
// needed. Every file is written atomically. It returns the file names.
func (r *Report) WriteFiles(dir string) ([]string, error) {
	files, err := r.WriteJSONFile(dir)
	if err != nil {
		return nil, err
	}
	plots, err := r.WritePlots(dir)
	return append(files, plots...), err
}
