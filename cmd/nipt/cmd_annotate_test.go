package main

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/annotation"
)

// runAnnotateCmd runs nipt annotate in-process.
func runAnnotateCmd(t *testing.T, args ...string) error {
	t.Helper()
	root := newRootCommand()
	root.AddCommand(newAnnotateCommand())
	root.SetArgs(append([]string{"annotate", "-q"}, args...))
	root.SetOut(&bytes.Buffer{})
	root.SetErr(&bytes.Buffer{})
	return root.Execute()
}

func TestAnnotateCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	gc := write("gc.bedgraph", "chr1\t0\t1000000\t0.4\nchr1\t1000000\t1500000\t0.6\nchr21\t0\t1000000\t-1\n")
	mp := write("map.wig", "fixedStep chrom=chr1 start=1 step=1000000 span=1000000\n0.9\n0.8\n")
	bl := write("bl.bed", "chr1\t1999999\t2000001\n")

	out := filepath.Join(dir, "a.bins")
	if err := runAnnotateCmd(t, "--build", "hg38", "--bin-size", "1000000", "--gc-bedgraph", gc, "--map-wig", mp, "--blacklist", bl, "-o", out); err != nil {
		t.Fatal(err)
	}
	a, err := annotation.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if a.GC[0] != 0.4 || a.GC[1] != 0.6 || a.N[1] != 0.5 || !math.IsNaN(a.GC[2]) || a.N[2] != 1 {
		t.Errorf("GC %v %v %v, N %v %v", a.GC[0], a.GC[1], a.GC[2], a.N[1], a.N[2])
	}
	if a.Map[0] != 0.9 || a.Map[1] != 0.8 || !math.IsNaN(a.Map[2]) {
		t.Errorf("map %v %v %v", a.Map[0], a.Map[1], a.Map[2])
	}
	if a.Blacklist[0] || !a.Blacklist[1] || !a.Blacklist[2] || a.Blacklist[3] {
		t.Errorf("blacklist %v", a.Blacklist[:4])
	}
	if a.Source.GC != "gc.bedgraph" || a.Source.Map != "map.wig" || a.Source.Blacklist != "bl.bed" {
		t.Errorf("sources %+v", a.Source)
	}

	// Synthetic: the same command twice gives a byte-identical file.
	syn := filepath.Join(dir, "s.bins")
	var runs [2][]byte
	for k := range runs {
		if err := runAnnotateCmd(t, "--synthetic", "--build", "GRCh37", "--bin-size", "1000000", "--seed", "4", "-o", syn); err != nil {
			t.Fatal(err)
		}
		runs[k], _ = os.ReadFile(syn)
	}
	if len(runs[0]) == 0 || !bytes.Equal(runs[0], runs[1]) {
		t.Error("synthetic output not reproducible")
	}

	for _, tc := range []struct {
		args  []string
		usage bool
		want  string
	}{
		{[]string{"--synthetic", "--build", "hg38"}, true, "-o"},
		{[]string{"--build", "hg38", "-o", out}, true, "exactly one"},
		{[]string{"--synthetic", "--gc-wig", gc, "--build", "hg38", "-o", out}, true, "exactly one"},
		{[]string{"--synthetic", "-o", out}, true, "--build"},
		{[]string{"--synthetic", "--build", "mm10", "-o", out}, true, "mm10"},
		{[]string{"--gc-wig", gc, "--gc-bedgraph", gc, "--build", "hg38", "-o", out}, true, "not both"},
		{[]string{"--gc-wig", gc, "--build", "hg38", "--seed", "3", "-o", out}, true, "--seed"},
		{[]string{"--gc-wig", gc, "--build", "hg38", "--seed", "1", "-o", out}, true, "--seed"},
		{[]string{"--fasta", filepath.Join(dir, "none.fa"), "-o", out}, false, "samtools faidx"},
		{[]string{"--gc-wig", mp, "--build", "hg38", "--blacklist", gc, "-o", filepath.Join(dir, "no", "x.bins")}, false, "does not exist"},
	} {
		err := runAnnotateCmd(t, tc.args...)
		var ue usageError
		if err == nil || !strings.Contains(err.Error(), tc.want) || errors.As(err, &ue) != tc.usage {
			t.Errorf("%v: error %v (usage=%v), want one mentioning %q with usage=%v", tc.args, err, errors.As(err, &ue), tc.want, tc.usage)
		}
	}
}
