package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/genome"
)

const header = "sample\trole\tfetal_sex\tff\treads\tpaired\tcnvs\tbatch\n"

func design(t *testing.T, rows ...string) []change {
	t.Helper()
	chs, err := readDesign(strings.NewReader(header+strings.Join(rows, "\n")+"\n"), "test.tsv")
	if err != nil {
		t.Fatal(err)
	}
	return chs
}

func TestReadDesign(t *testing.T) {
	chs := design(t, "A\ttest\tfemale\t0.1\t4000000\t1\tchr5:10000000-20000000:loss:fetal\trun1")
	want := change{ff: 0.1, reads: 4e6, chrom: 4, start: 10_000_000, end: 20_000_000, gain: false}
	if len(chs) != 1 || chs[0] != want {
		t.Fatalf("got %+v, want %+v", chs, want)
	}
	for _, bad := range []string{
		"A\ttest\tfemale\tx\t4000000\t1\tchr5:1-2:gain\trun1",
		"A\ttest\tfemale\t0.1\t4000000\t1\tchr5:20-10:gain\trun1",
		"A\ttest\tfemale\t0.1\t4000000\t1\tchrZ:1-2:gain\trun1",
		"A\ttest\tfemale\t0.1\t4000000\t1\tchr5:1-2:dup\trun1",
		"A\ttest\tfemale\t0.1\t4000000\t1\tchr5:1-2:gain;chr6:1-2:gain\trun1",
		"A\ttest\tfemale\t0.1",
	} {
		if _, err := readDesign(strings.NewReader(header+bad+"\n"), "bad.tsv"); err == nil || !strings.Contains(err.Error(), "bad.tsv:2") {
			t.Errorf("%q: got error %v, want one naming bad.tsv:2", bad, err)
		}
	}
}

// TestBound: the idealised scan finds a change whose expected z is far
// above its threshold every time, one far below it almost never, and
// finds fewer as the noise it is told rises; the output is deterministic.
func TestBound(t *testing.T) {
	l, err := genome.NewLayout(genome.GRCh38, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	usable := usableBins(nil, l)
	base := setting{Kept: 0.845, Excess: 1, Kappa: 1, Draws: 2, Seed: 3}
	// 15 Mb at FF 20% and 5 M pairs: depth z ≈ 13. 5 Mb at FF 2% and
	// 2 M pairs: z ≈ 0.5.
	easy := design(t, "E\ttest\tfemale\t0.2\t5000000\t1\tchr2:50000000-65000000:gain:fetal\trun1")
	hard := design(t, "H\ttest\tfemale\t0.02\t2000000\t1\tchr2:50000000-55000000:loss:fetal\trun1")
	if r := bound(l, usable, easy, base); r.found != 2 || r.samples != 2 {
		t.Errorf("easy change: found %d of %d", r.found, r.samples)
	}
	null := base
	null.Null = true
	if r := bound(l, usable, easy, null); r.found != 0 {
		t.Errorf("a change left out was found %d times", r.found)
	}
	if r := bound(l, usable, hard, base); r.found != 0 {
		t.Errorf("change far below the threshold found %d of %d times", r.found, r.samples)
	}
	// An edge case (depth z ≈ 4.4 at Poisson) across draws: more noise,
	// fewer found.
	edge := design(t, "M\ttest\tfemale\t0.1\t4000000\t1\tchr3:60000000-67000000:gain:fetal\trun1")
	lo, hi := base, base
	lo.Draws, hi.Draws = 40, 40
	hi.Excess = 1.3
	rl, rh := bound(l, usable, edge, lo), bound(l, usable, edge, hi)
	if !(rl.found > rh.found+5) {
		t.Errorf("found %d/40 at Poisson noise and %d/40 at 1.3×: want clearly fewer with more noise", rl.found, rh.found)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "d.tsv")
	if err := os.WriteFile(path, []byte(header+"E\ttest\tfemale\t0.2\t5000000\t1\tchr2:50000000-65000000:gain:fetal\trun1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := run("", path, base, &a); err != nil {
		t.Fatal(err)
	}
	if err := run("", path, base, &b); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() || !strings.HasPrefix(a.String(), "recall 2/2 = 100.0%") {
		t.Errorf("outputs %q and %q: want the same, recall 2/2", a.String(), b.String())
	}
	if err := run("", path, setting{Draws: 0}, &a); err == nil {
		t.Error("a bad setting was accepted")
	}
}
