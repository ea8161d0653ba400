package segment

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestPolishMovesAndMerges(t *testing.T) {
	// Truth: 0 on [0,200), +2 on [200,250), 0 on [250,450). Hand the
	// polish a segmentation with both CNV edges misplaced by 8–10 points
	// and a spurious cut at 100.
	x := piecewise(rand.New(rand.NewPCG(4, 4)), []int{200, 50, 200}, []float64{0, 2, 0})
	got := polish(x, nil, []int{0, 100, 190, 258, 450}, 1, Options{Alpha: 0.01, MinSize: 2})
	// The spurious cut must be gone and each 2-SD edge located within the
	// tolerance that fails with probability 1e-3 (locationTol).
	want := []int{0, 200, 250, 450}
	if len(got) != len(want) {
		t.Fatalf("polished boundaries %v, want ≈ %v", got, want)
	}
	tol := locationTol(2, 1e-3)
	for i := range want {
		if d := got[i] - want[i]; d < -tol || d > tol {
			t.Errorf("boundary %d at %d, want %d ± %d", i, got[i], want[i], tol)
		}
	}
	// Idempotent: polishing a polished segmentation changes nothing.
	if again := polish(x, nil, slices.Clone(got), 1, Options{Alpha: 0.01, MinSize: 2}); !slices.Equal(again, got) {
		t.Errorf("second polish moved %v to %v", got, again)
	}
}

func TestGenomeWideProfile(t *testing.T) {
	// 24 chromosome-sized pieces at slightly different levels (0, 0.2,
	// 0.4 SD), each followed by a 50-bin CNV at +1.5 SD: 48 true segments
	// in 28,800 bins (100 kb bins genome-wide). Every true change must be
	// found; spurious segments arise at about α per final segment (≈ 0.5
	// per genome at α = 0.01), so over 5 genomes allow 8 (Poisson(2.5)
	// exceeds 8 with probability < 0.002).
	var lengths []int
	var levels []float64
	for c := 0; c < 24; c++ {
		lengths = append(lengths, 1150, 50)
		levels = append(levels, 0.2*float64(c%3), 1.5)
	}
	extra := 0
	for seed := uint64(0); seed < 5; seed++ {
		x := piecewise(rand.New(rand.NewPCG(seed, 77)), lengths, levels)
		segs, err := CBS(x, Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkTiling(t, segs, x)
		// Each CNV must be covered by a segment with a mean near 1.5.
		for c := 0; c < 24; c++ {
			mid := 1200*c + 1175
			k, _ := slices.BinarySearchFunc(segs, mid, func(s Segment, p int) int {
				if s.End <= p {
					return -1
				}
				if s.Start > p {
					return 1
				}
				return 0
			})
			if s := segs[k]; s.Mean < 1 || s.N > 80 {
				t.Errorf("seed %d: CNV %d covered by %+v", seed, c, s)
			}
		}
		if len(segs) < 48 {
			t.Errorf("seed %d: %d segments, want ≥ 48", seed, len(segs))
		}
		extra += max(len(segs)-48, 0)
	}
	if extra > 8 {
		t.Errorf("%d spurious segments over 5 genomes, want ≤ 8", extra)
	}
}
