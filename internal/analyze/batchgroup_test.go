package analyze

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/refset/synth"
	"github.com/nipt/nipt/internal/result"
)

func TestBatchGroups(t *testing.T) {
	paths := []string{"a", "b", "c", "d", "e"}
	runs := [][]string{{"R1"}, {"R2"}, {"R1"}, {"R1", "R2"}, {"R2", "R1"}}
	names := func(gs []batchGroup) (out []string) {
		for _, g := range gs {
			out = append(out, fmt.Sprint(g.name, g.idx))
		}
		return out
	}
	for _, tc := range []struct {
		mode string
		runs [][]string
		want []string
		err  string
	}{
		{BatchByRun, runs, []string{"R1[0 2]", "R2[1]", "R1+R2[3 4]"}, ""},
		{BatchByAuto, runs, []string{"R1[0 2]", "R2[1]", "R1+R2[3 4]"}, ""},
		{"", runs, []string{"R1[0 2]", "R2[1]", "R1+R2[3 4]"}, ""},
		{BatchByNone, runs, []string{"all[0 1 2 3 4]"}, ""},
		// A file without a run: auto falls back to one batch, run refuses
		// and names the file.
		{BatchByAuto, [][]string{{"R1"}, nil, {"R1"}, {"R2"}, {"R2"}}, []string{"all[0 1 2 3 4]"}, ""},
		{BatchByRun, [][]string{{"R1"}, nil, {"R1"}, {"R2"}, {"R2"}}, nil, "b names no sequencing run"},
		{"flowcell", runs, nil, "unknown batch grouping"},
	} {
		gs, err := batchGroups(tc.mode, paths, tc.runs)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s %v: error %v, want %q", tc.mode, tc.runs, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(names(gs), tc.want) {
			t.Errorf("%s %v: %v (%v), want %v", tc.mode, tc.runs, names(gs), err, tc.want)
		}
	}
}

// TestRunBatchByRun: two runs of 22 samples whose chr13 reads 0.6% high in one and 0.6%
// low in the other, analysed in one call grouped by run, give every
// sample exactly the result of analysing each run on its own; as one
// batch the two offsets cancel and each run keeps its own.
func TestRunBatchByRun(t *testing.T) {
	if testing.Short() {
		t.Skip("analyses 45 samples four times")
	}
	f := fixture(t)
	dir := t.TempDir()
	l := f.Ref.Layout
	var all, runA, runB []string
	for i := range 45 {
		s := synth.Sample{ID: fmt.Sprintf("r%02d", i), Male: i%2 == 1, FF: 0.08 + 0.002*float64(i), Seed: uint64(500 + i)}
		c := sample(f, s)
		scale, run := 1.006, []string{"RUNA"}
		switch {
		case i == 44:
			// Topped up on both runs: a batch of its own, too small to
			// correct.
			scale, run = 1, []string{"RUNA", "RUNB"}
		case i%2 == 1:
			scale, run = 0.994, []string{"RUNB"}
		}
		for j := l.Offset[12]; j < l.Offset[13]; j++ {
			c.Reads[j] = uint32(math.Round(float64(c.Reads[j]) * scale))
		}
		c.Header.Runs = run
		p := filepath.Join(dir, s.ID+".counts")
		if err := counts.WriteFile(p, c, 1); err != nil {
			t.Fatal(err)
		}
		all = append(all, p)
		switch {
		case i == 44:
		case i%2 == 1:
			runB = append(runB, p)
		default:
			runA = append(runA, p)
		}
	}
	cfg := call.DefaultConfig()
	run := func(name string, paths []string, by string) []*result.Result {
		t.Helper()
		v, err := Run(context.Background(), f.Ref, paths, filepath.Join(dir, name), RunOptions{Config: cfg, Threads: 2, BatchBy: by})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	grouped := run("grouped", all, BatchByAuto)
	run("a", runA, BatchByRun)
	run("b", runB, BatchByRun)
	single := run("single", all, BatchByNone)

	// Every sample's result as its run alone gives it.
	for i, p := range all[:44] {
		id := strings.TrimSuffix(filepath.Base(p), ".counts")
		alone := "a"
		if i%2 == 1 {
			alone = "b"
		}
		x, _ := os.ReadFile(filepath.Join(dir, "grouped", id, ResultFile))
		y, _ := os.ReadFile(filepath.Join(dir, alone, id, ResultFile))
		if len(x) == 0 || string(x) != string(y) {
			t.Errorf("%s: result.json differs between its run alone and the grouped call", id)
		}
	}
	// The batch QC holds each run's rows as its own call wrote them.
	bq, err := os.ReadFile(filepath.Join(dir, "grouped", BatchFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, alone := range []string{"a", "b"} {
		b, _ := os.ReadFile(filepath.Join(dir, alone, BatchFile))
		body := strings.SplitN(string(b), "\n", 2)[1]
		if len(body) == 0 || !strings.Contains(string(bq), body) {
			t.Errorf("the grouped batch QC lacks the rows of run %s alone", alone)
		}
	}
	rows, err := ReadBatch(filepath.Join(dir, "grouped", BatchFile))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]BatchOffset{}
	for _, r := range rows {
		if r.Chrom == "chr13" {
			got[r.Batch] = r
		}
	}
	if len(rows) != 3*22 || got["RUNA"].Correction != CorrectionApplied || !(got["RUNA"].OffsetZ > 0.5) ||
		got["RUNB"].Correction != CorrectionApplied || !(got["RUNB"].OffsetZ < -0.5) || got["RUNA+RUNB"].Correction != CorrectionTooFew {
		t.Errorf("%d rows; chr13 by run: %+v", len(rows), got)
	}

	// As one batch the offsets cancel: each run keeps its chr13 shift.
	meanZ := func(views []*result.Result, parity int) float64 {
		var s float64
		n := 0
		for i, v := range views[:44] {
			if i%2 != parity {
				continue
			}
			for _, c := range v.Chromosomes {
				if c.Chrom == "chr13" {
					s += c.Z
					n++
				}
			}
		}
		return s / float64(n)
	}
	ga, gb, sa, sb := meanZ(grouped, 0), meanZ(grouped, 1), meanZ(single, 0), meanZ(single, 1)
	t.Logf("chr13 mean z: run A %.2f grouped, %.2f as one batch; run B %.2f, %.2f", ga, sa, gb, sb)
	if math.Abs(ga) > 0.5 || math.Abs(gb) > 0.5 || !(sa > 0.8) || !(sb < -0.8) {
		t.Errorf("chr13 mean z: run A %.2f grouped, %.2f as one batch; run B %.2f, %.2f", ga, sa, gb, sb)
	}

	// --batch-by run refuses a file that names no run, before writing.
	c := sample(f, synth.Sample{ID: "norun", FF: 0.1, Seed: 9})
	p := filepath.Join(dir, "norun.counts")
	if err := counts.WriteFile(p, c, 1); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "refused")
	_, err = Run(context.Background(), f.Ref, append([]string{p}, runA...), out, RunOptions{Config: cfg, Threads: 2, BatchBy: BatchByRun})
	if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "--run") {
		t.Errorf("a file without a run: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the refused analysis left %s behind", out)
	}
}
