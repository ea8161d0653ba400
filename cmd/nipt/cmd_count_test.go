package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/bam"
	"github.com/nipt/nipt/internal/bam/bamtest"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
)

// runCountCLI runs the nipt command line in-process with the count commands
// and returns the exit code main would use, and stdout.
func runCountCLI(t *testing.T, args ...string) (int, string) {
	t.Helper()
	root := newRootCommand()
	root.AddCommand(newCountCommand(), newCountsCommand())
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	if err != nil {
		t.Logf("nipt %s: %v", strings.Join(args, " "), err)
	}
	return exitCode(err), out.String()
}

// countTestBAM writes a small paired-end BAM on GRCh38 (sorted) to dir.
func countTestBAM(t *testing.T, dir string, sorted bool) string {
	h := bamtest.Header(t, genome.GRCh38, bamtest.HeaderOptions{Samples: []string{"S1"}, SortOrder: "coordinate"})
	var recs []bamtest.Rec
	for i := range 300 {
		pos := 20_000_000 + 1000*i
		f := bam.FlagPaired | bam.FlagProperPair
		recs = append(recs,
			bamtest.Rec{Ref: 20, Pos: pos, MAPQ: 60, Flag: f | bam.FlagRead1 | bam.FlagMateReverse, MateRef: 20, MatePos: pos + 100 + i%200, ReadLen: 50},
		)
		recs[len(recs)-1].TLen = 150 + i%200
		recs = append(recs, bamtest.Rec{Ref: 20, Pos: pos + 100 + i%200, MAPQ: 60, Flag: f | bam.FlagRead2 | bam.FlagReverse, MateRef: 20, MatePos: pos, TLen: -(150 + i%200), ReadLen: 50})
	}
	if sorted {
		bamtest.SortByCoordinate(recs)
	} else {
		recs[0], recs[len(recs)-1] = recs[len(recs)-1], recs[0]
	}
	p := filepath.Join(dir, "S1.bam")
	if err := os.WriteFile(p, bamtest.BAM(t, h, recs, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCountCommand(t *testing.T) {
	dir := t.TempDir()
	in := countTestBAM(t, dir, true)
	out := filepath.Join(dir, "S1.counts")
	if code, _ := runCountCLI(t, "count", "-q", in, "-o", out, "--bin-size", "100000", "--dedup", "position"); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	c, err := counts.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if c.Header.QC.Kept != 300 || c.Header.Sample != "S1" || !c.Header.Paired || c.Header.Filters.Dedup != "position" {
		t.Errorf("header %+v", c.Header)
	}
	if want := "nipt count --bin-size 100000 --dedup position --output " + out + " --quiet=true " + in; c.Header.Tool.Command != want {
		t.Errorf("command %q, want %q", c.Header.Tool.Command, want)
	}

	code, tsv := runCountCLI(t, "counts", "show", out, "--region", "chr21:20000001-20100000")
	lines := strings.Split(strings.TrimSpace(tsv), "\n")
	if code != 0 || len(lines) != 2 || lines[0] != "chrom\tstart\tend\treads\tshort" || lines[1] != "chr21\t20000000\t20100000\t100\t0" {
		t.Errorf("show: exit %d, %q", code, lines)
	}
	code, js := runCountCLI(t, "counts", "show", "--qc", out)
	var qc counts.QC
	if err := json.Unmarshal([]byte(js), &qc); code != 0 || err != nil || qc.Kept != 300 || qc.Dropped["mate"] != 300 {
		t.Errorf("show --qc: exit %d, %v, %+v", code, err, qc)
	}
	code, js = runCountCLI(t, "counts", "show", "--header", out)
	var h counts.Header
	if err := json.Unmarshal([]byte(js), &h); code != 0 || err != nil || h.Input.Name != "S1.bam" {
		t.Errorf("show --header: exit %d, %v, %+v", code, err, h.Input)
	}
	if code, _ := runCountCLI(t, "counts", "show", "--region", "chrM", out); code != 2 {
		t.Errorf("bad region: exit %d, want 2", code)
	}

	// Standard input, with the sample named on the command line.
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stdin := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = stdin }()
	out2 := filepath.Join(dir, "stdin.counts")
	if code, _ := runCountCLI(t, "count", "-q", "-", "-o", out2, "--sample", "P2", "--bin-size", "100000"); code != 0 {
		t.Fatalf("stdin: exit code %d", code)
	}
	c2, err := counts.ReadFile(out2)
	if err != nil || c2.Header.Sample != "P2" || c2.Header.Input.Name != "-" || c2.Header.Input.SHA256 != c.Header.Input.SHA256 {
		t.Errorf("stdin counts: %v %+v", err, c2.Header.Input)
	}
}

func TestCountStdinNeedsOutput(t *testing.T) {
	if code, _ := runCountCLI(t, "count", "-q", "-"); code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
}

func TestCountCommandBadInput(t *testing.T) {
	dir := t.TempDir()
	good := countTestBAM(t, dir, true)
	data, _ := os.ReadFile(good)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o644)
		return p
	}
	unsorted := countTestBAM(t, t.TempDir(), false)
	noReads := write("empty-body.bam", bamtest.BAM(t, bamtest.Header(t, genome.GRCh38, bamtest.HeaderOptions{}), nil, 1))
	other := &genome.Build{Name: "x", Lengths: genome.GRCh37.Lengths}
	other.Lengths[5]++ // chr6 of no supported build
	badContigs := write("contigs.bam", bamtest.BAM(t, bamtest.Header(t, other, bamtest.HeaderOptions{}), nil, 1))
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"not an alignment file", []string{write("notes.bam", []byte("just some text\x00\x01\x02"))}, 1, "not a BAM, CRAM or SAM"},
		{"truncated mid block", []string{write("cut.bam", data[:len(data)/2])}, 1, "incomplete"},
		{"missing EOF block", []string{write("noeof.bam", data[:len(data)-28])}, 1, "EOF marker"},
		{"unsorted for position dedup", []string{unsorted, "--dedup", "position"}, 1, "samtools sort"},
		{"no reads", []string{noReads}, 1, "no alignment records"},
		{"unknown contigs", []string{badContigs}, 1, "chr6"},
		{"build mismatch", []string{good, "--build", "hg19"}, 1, "--build hg19"},
		{"missing input", []string{filepath.Join(dir, "nope.bam")}, 1, "nope.bam"},
		{"output overwrites input", []string{good, "-o", good}, 2, "overwrite the input"},
		{"output directory missing", []string{good, "-o", filepath.Join(dir, "no/such/dir/x.counts")}, 1, "does not exist"},
		{"output is a file's child", []string{good, "-o", filepath.Join(good, "x.counts")}, 1, "not a directory"},
		{"bad dedup", []string{good, "--dedup", "maybe"}, 2, "--dedup"},
		{"bad run name", []string{good, "--run", "run 7"}, 2, "--run"},
		{"unknown flag", []string{good, "--frobnicate"}, 2, "frobnicate"},
		{"two inputs", []string{good, good}, 2, "1 argument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			outDir := t.TempDir()
			args := append([]string{"count", "-q", "-o", filepath.Join(outDir, "x.counts")}, tc.args...)
			root := newRootCommand()
			root.AddCommand(newCountCommand(), newCountsCommand())
			root.SetArgs(args)
			root.SetOut(new(bytes.Buffer))
			root.SetErr(new(bytes.Buffer))
			err := root.ExecuteContext(context.Background())
			if code := exitCode(err); code != tc.code {
				t.Errorf("exit code %d, want %d (%v)", code, tc.code, err)
			}
			if err == nil || !strings.Contains(err.Error(), tc.msg) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line mentioning %q", err, tc.msg)
			}
			if left, _ := os.ReadDir(outDir); len(left) != 0 {
				t.Errorf("files left behind: %v", left)
			}
		})
	}
}

// TestCountMatchesSimulator counts a simulated BAM and compares the bins
// with the counts the simulator derives from its own truth for the same
// seed (nipt simulate --format counts): two independent implementations of
// the counting rules.
func TestCountMatchesSimulator(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation: skipped with -short")
	}
	dir := t.TempDir()
	bamPath, simCounts, counted := filepath.Join(dir, "s.bam"), filepath.Join(dir, "sim.counts"), filepath.Join(dir, "s.counts")
	run := func(args ...string) {
		t.Helper()
		root := newRootCommand()
		root.AddCommand(newSimulateCommand(), newCountCommand())
		root.SetArgs(args)
		root.SetOut(new(bytes.Buffer))
		root.SetErr(new(bytes.Buffer))
		if err := root.ExecuteContext(context.Background()); err != nil {
			t.Fatalf("nipt %s: %v", strings.Join(args, " "), err)
		}
	}
	run("simulate", "sample", "-q", "-o", bamPath, "--reads", "20000", "--paired", "--seed", "3")
	run("simulate", "sample", "-q", "-o", simCounts, "--reads", "20000", "--paired", "--seed", "3", "--format", "counts")
	run("count", "-q", bamPath, "-o", counted)
	want, err := counts.ReadFile(simCounts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := counts.ReadFile(counted)
	if err != nil {
		t.Fatal(err)
	}
	if got.Header.QC.Kept < 10000 || got.Header.QC.Kept != want.Header.QC.Kept {
		t.Fatalf("kept %d, simulator %d", got.Header.QC.Kept, want.Header.QC.Kept)
	}
	for i := range got.Reads {
		if got.Reads[i] != want.Reads[i] || got.Short[i] != want.Short[i] {
			t.Fatalf("bin %d: %d/%d reads/short, simulator %d/%d", i, got.Reads[i], got.Short[i], want.Reads[i], want.Short[i])
		}
	}
}
