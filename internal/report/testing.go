package report

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nipt/nipt/internal/analyze"
	"github.com/nipt/nipt/internal/atomicfile"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/result"
)

// WriteAnalysisDir writes results the way nipt analyze lays out its output
// (DIR/summary.tsv, DIR/SAMPLE/result.json, DIR/SAMPLE/bins.tsv), for tests
// and in-process demos. The summary holds only the sample column.
func WriteAnalysisDir(dir string, results ...*result.Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var sum strings.Builder
	sum.WriteString("sample\n")
	for _, r := range results {
		sd := filepath.Join(dir, r.Sample)
		if err := os.MkdirAll(sd, 0o755); err != nil {
			return err
		}
		js, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return fmt.Errorf("sample %s: %w", r.Sample, err)
		}
		if err := atomicfile.WriteFile(filepath.Join(sd, analyze.ResultFile), js); err != nil {
			return err
		}
		if err := atomicfile.WriteFile(filepath.Join(sd, analyze.BinsTSVFile), []byte(binsTSV(r.Bins))); err != nil {
			return err
		}
		sum.WriteString(r.Sample + "\n")
	}
	return atomicfile.WriteFile(filepath.Join(dir, analyze.SummaryFile), []byte(sum.String()))
}

// WriteAnalysisViews writes the views of results under profile p and
// request req, as nipt analyze --profile does; WriteAnalysisDir writes the
// results as given.
func WriteAnalysisViews(dir string, p *disclosure.Profile, req disclosure.Request, results ...*result.Result) error {
	views := make([]*result.Result, len(results))
	for i, r := range results {
		v, err := disclosure.Apply(r, p, req)
		if err != nil {
			return err
		}
		views[i] = v
	}
	return WriteAnalysisDir(dir, views...)
}

// binsTSV renders bins in the bins.tsv layout.
func binsTSV(bins []result.Bin) string {
	var b strings.Builder
	b.WriteString("chrom\tstart\tend\tratio\tz\tmasked\n")
	f := func(x float64) string {
		if math.IsNaN(x) {
			return "NA"
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	for _, x := range bins {
		m := "0"
		if x.Masked {
			m = "1"
		}
		fmt.Fprintf(&b, "%s\t%d\t%d\t%s\t%s\t%s\n", x.Chrom, x.Start, x.End, f(x.Ratio), f(x.Z), m)
	}
	return b.String()
}
