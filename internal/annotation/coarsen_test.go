package annotation

import (
	"math"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/genome"
)

func TestCoarsenHandComputed(t *testing.T) {
	l := testLayout(t) // 100 b bins; chr1 has 950 b: bins 0–9, the last 50 b
	c, k, err := l.Coarsen(300)
	if err != nil || k != 3 {
		t.Fatal(k, err)
	}
	a := New(l)
	nan := math.NaN()
	// chr1 fine bins 0–2 → coarse 0; 3–5 → 1; 6–8 → 2; 9 (50 b) → 3.
	set := func(i int, gc, n, mp float64, bl bool) { a.GC[i], a.N[i], a.Map[i], a.Blacklist[i] = gc, n, mp, bl }
	set(0, 0.5, 0, 1, true)
	set(1, 0.2, 0.5, 0.5, true)
	set(2, nan, 1, nan, false)
	set(3, 0.4, 0, nan, true)
	set(4, 0.6, 0, nan, false)
	set(5, 0.5, 0, nan, false)
	set(6, nan, 0, 0.9, false) // GC unknown although called (track without value)
	set(7, 0.3, 0, 0.9, false)
	set(8, 0.3, 0, 0.6, false)
	set(9, 0.7, 0.2, 0.2, true)
	got, err := a.Coarsen(c, k)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		bin       int
		gc, n, mp float64
		bl        bool
	}{
		// GC weighted by called bases: (0.5·100 + 0.2·50) / 150.
		{0, (0.5*100 + 0.2*50) / 150, 1.5 / 3, 1.5 / 2, true}, // 200 of 300 b blacklisted
		{1, 0.5, 0, nan, false},                               // 100 of 300 b: not a majority
		{2, 0.3, 0, 2.4 / 3, false},
		{3, 0.7, 0.2, 0.2, true}, // a partial last bin on its own
	} {
		eq := func(x, y float64) bool { return math.Abs(x-y) < 1e-12 || math.IsNaN(x) && math.IsNaN(y) }
		if !eq(got.GC[w.bin], w.gc) || !eq(got.N[w.bin], w.n) || !eq(got.Map[w.bin], w.mp) || got.Blacklist[w.bin] != w.bl {
			t.Errorf("coarse bin %d: gc %v n %v map %v bl %v; want %v %v %v %v", w.bin,
				got.GC[w.bin], got.N[w.bin], got.Map[w.bin], got.Blacklist[w.bin], w.gc, w.n, w.mp, w.bl)
		}
	}
	// Chromosome boundaries: coarse bins never mix chromosomes.
	if n := got.N[c.Offset[1]]; n != 0 {
		t.Errorf("chr2 first coarse bin N %v", n)
	}
	bad, _ := genome.NewLayout(testBuild, 250)
	if _, err := a.Coarsen(bad, 2); err == nil || !strings.Contains(err.Error(), "multiple") {
		t.Errorf("non-multiple: %v", err)
	}
	other, _ := genome.NewLayout(genome.GRCh38, 300)
	if _, err := a.Coarsen(other, 3); err == nil {
		t.Error("coarsening into another build accepted")
	}
}

func TestMakeOptions(t *testing.T) {
	dir := t.TempDir()
	bed := dir + "/bl.bed"
	writeFile(t, bed, "chr2\t0\t5000000\n")
	// Synthetic base with the blacklist replaced.
	a, err := Make(Options{Synthetic: true, Seed: 2, Build: genome.GRCh38, BinSize: 1_000_000, Blacklist: bed})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range a.Blacklist {
		if b {
			n++
		}
	}
	if n != 5 || !a.Blacklist[a.Layout.Offset[1]] || a.Source.Blacklist != "bl.bed" || !strings.HasPrefix(a.Source.GC, "synthetic") {
		t.Errorf("blacklist: %d bins, sources %+v", n, a.Source)
	}
	for _, o := range []Options{
		{Build: genome.GRCh38, BinSize: 10_000},
		{Synthetic: true, GCTrack: bed, Build: genome.GRCh38, BinSize: 10_000},
		{Synthetic: true, BinSize: 10_000},
		{Synthetic: true, Build: genome.GRCh38, BinSize: 10_000, MapTrack: dir + "/missing.wig"},
		{Synthetic: true, Build: genome.GRCh38, BinSize: 1_000_000, Blacklist: bed, BlacklistMinFrac: 2},
	} {
		if _, err := Make(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}
