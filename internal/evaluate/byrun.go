package evaluate

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// RunResult is the evaluation of the test samples of one sequencing run
// (truth.tsv's batch column): inter-run reproducibility, which a
// laboratory validation reports besides the pooled figures.
type RunResult struct {
	Batch   string     `json:"batch"`
	Samples int        `json:"samples"`
	NoCall  Proportion `json:"no_call"`
	// Offsets are the run's mean z of each scored chromosome over its
	// samples without a change of it (as ZCalibration), with the mean's
	// standard error under a calibrated null, 1/√n: a run offset reads as
	// a mean several SE from 0.
	Offsets []RunOffset `json:"offsets"`
}

// RunOffset is one chromosome's mean z in one run.
type RunOffset struct {
	Chrom int   `json:"chrom"`
	N     int   `json:"n"`
	Mean  Float `json:"mean"`
	SE    Float `json:"se"`
}

// evaluateByRun splits the test samples by their truth batch; nil unless
// they come from at least two batches. Runs are listed by name.
func evaluateByRun(js []*joined, sum *Summary, opt Options) []RunResult {
	by := map[string][]*joined{}
	for _, j := range js {
		by[j.t.Batch] = append(by[j.t.Batch], j)
	}
	if len(by) < 2 {
		return nil
	}
	names := make([]string, 0, len(by))
	for b := range by {
		names = append(names, b)
	}
	sort.Strings(names)
	chroms := append([]int(nil), sum.ZChroms...)
	sort.Ints(chroms)
	out := make([]RunResult, 0, len(names))
	for _, b := range names {
		run := by[b]
		k := 0
		for _, j := range run {
			if nc, _ := sampleNoCall(j); nc {
				k++
			}
		}
		r := RunResult{Batch: b, Samples: len(run), NoCall: newProportion(k, len(run), opt.CI, opt.Confidence), Offsets: []RunOffset{}}
		for _, c := range chroms {
			zs := unchangedZ(run, c)
			if len(zs) == 0 {
				continue
			}
			var m float64
			for _, z := range zs {
				m += z
			}
			m /= float64(len(zs))
			r.Offsets = append(r.Offsets, RunOffset{Chrom: c, N: len(zs), Mean: Float(m), SE: Float(1 / math.Sqrt(float64(len(zs))))})
		}
		out = append(out, r)
	}
	return out
}

// writeByRun prints the per-run table.
func (r *Report) writeByRun(ew *errWriter) {
	if len(r.ByRun) == 0 {
		return
	}
	ew.printf("\nBy run (truth batch): no-call rate, and each scored chromosome's mean z over the run's samples without a change of it (± its SE under a calibrated null, 1/√n)\n")
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "run\tsamples\tno-calls\tmean z\t")
	for _, b := range r.ByRun {
		var parts []string
		for _, o := range b.Offsets {
			parts = append(parts, fmt.Sprintf("chr%s %+.2f ± %.2f", strconv.Itoa(o.Chrom), float64(o.Mean), float64(o.SE)))
		}
		name := b.Batch
		if name == "" {
			name = "(none)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t\n", name, b.Samples, propText(b.NoCall), strings.Join(parts, ", "))
	}
	tw.Flush()
}
