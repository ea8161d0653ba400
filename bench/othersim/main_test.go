package main

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/sharedtest"
)

// flatTracks is a genome of uniform GC (0.41) and full mappability.
func flatTracks() map[string]track {
	tr := map[string]track{}
	for _, c := range hg38[:24] {
		n := (c.len + binSize - 1) / binSize
		t := track{gc: make([]float64, n), mp: make([]float64, n)}
		for i := range n {
			t.gc[i], t.mp[i] = 0.41, 1
		}
		tr[c.name] = t
	}
	return tr
}

// simSAM simulates s on a flat genome and returns, per contig, the mapped
// MAPQ > 0 non-duplicate first-in-pair reads, checking that the output is
// coordinate-sorted as its header says.
func simSAM(t *testing.T, s *sample) map[string]int {
	t.Helper()
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	if err := simulate(w, s, flatTracks()); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	out := map[string]int{}
	last, lastPos := "", 0
	order := map[string]int{}
	for i, c := range hg38 {
		order[s.name(c.name)] = i
	}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if strings.HasPrefix(line, "@") {
			continue
		}
		f := strings.Split(line, "\t")
		if f[2] == "*" {
			continue
		}
		pos, _ := strconv.Atoi(f[3])
		if f[2] == last && pos < lastPos || f[2] != last && last != "" && order[f[2]] < order[last] {
			t.Fatalf("not coordinate-sorted at %s:%d after %s:%d", f[2], pos, last, lastPos)
		}
		last, lastPos = f[2], pos
		flag, _ := strconv.Atoi(f[1])
		if flag&(64|1024) == 64 && f[4] != "0" {
			out[f[2]]++
		}
	}
	return out
}

// A fetal trisomy 21 at fetal fraction f raises chr21's share of reads by
// 1 + f/2: at f = 0.2 and ~200,000 pairs (≈ 2,700 on chr21) the ratio of
// shares is 1.1 ± 0.03.
func TestTrisomyRaisesShare(t *testing.T) {
	share := func(tri string) float64 {
		s := &sample{id: "T", seed: 3, run: "r", pairs: 200_000, ff: 0.2, fetalX: 2, trisomy: tri,
			readLen: 75, dupRate: 0.04, overdisp: 0.02, waveAmp: 0.01, runWaveAmp: 0.02, sizeVar: 1}
		n := simSAM(t, s)
		var auto int
		for _, c := range hg38[:22] {
			auto += n[c.name]
		}
		return float64(n["21"]) / float64(auto)
	}
	r := share("21") / share("")
	if math.Abs(r-1.1) > 0.03*3 {
		t.Errorf("chr21 share ratio %.3f with a T21 at FF 20%%, want 1.1", r)
	}
	t.Logf("chr21 share ratio %.3f", r)
}

// A male fetus puts reads on chrY outside the pseudoautosomal regions; a
// female one only the small mismapped background.
func TestFetalSexOnY(t *testing.T) {
	y := func(male bool) int {
		s := &sample{id: "Y", seed: 4, run: "r", pairs: 200_000, ff: 0.1, fetalX: 2, readLen: 75, sizeVar: 1, ucsc: true}
		if male {
			s.male, s.fetalX, s.fetalY = true, 1, 1
		}
		return simSAM(t, s)["chrY"]
	}
	m, f := y(true), y(false)
	if !(m > 20*max(f, 1)) {
		t.Errorf("chrY reads: male fetus %d, female fetus %d", m, f)
	}
}

// TestDesignExtraEuploid: -extra-euploid appends euploid test samples in
// the test runs and leaves every other row of the design as it was.
func TestDesignExtraEuploid(t *testing.T) {
	shared := sharedtest.HG38Dir(t)
	gc, mp := filepath.Join(shared, "gc_hg38_10kb.wig"), filepath.Join(shared, "map_hg38_10kb.wig")
	write := func(extra int) []string {
		f, err := os.CreateTemp(t.TempDir(), "design")
		if err != nil {
			t.Fatal(err)
		}
		if err := design(f, 7, gc, mp, true, extra); err != nil {
			t.Fatal(err)
		}
		f.Close()
		b, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSpace(string(b)), "\n")
	}
	base, more := write(0), write(6)
	if len(more) != len(base)+6 || strings.Join(more[:len(base)], "\n") != strings.Join(base, "\n") {
		t.Fatalf("extra rows changed the design: %d rows against %d", len(more), len(base))
	}
	runs := map[string]bool{}
	for _, l := range more[len(base):] {
		f := strings.Split(l, "\t")
		if !strings.HasPrefix(f[0], "OX") || f[1] != "test" || f[4] != "" || f[5] != "" || f[6] != "" {
			t.Errorf("extra row is not a euploid test sample: %q", l)
		}
		runs[f[7]] = true
	}
	for _, r := range []string{"runE", "runF", "runG", "runH"} {
		if !runs[r] {
			t.Errorf("no extra sample in test run %s", r)
		}
	}
}
