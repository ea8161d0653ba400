package segment

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// piecewise returns N(0,1) noise plus the given levels on consecutive runs.
func piecewise(r *rand.Rand, lengths []int, levels []float64) []float64 {
	var x []float64
	for k, n := range lengths {
		for i := 0; i < n; i++ {
			x = append(x, levels[k]+r.NormFloat64())
		}
	}
	return x
}

func boundaries(segs []Segment) []int {
	var b []int
	for _, s := range segs[1:] {
		b = append(b, s.Start)
	}
	return b
}

// checkTiling asserts the segment invariants: in order, contiguous, covering
// [0, n), N counting the finite values.
func checkTiling(t *testing.T, segs []Segment, x []float64) {
	t.Helper()
	if len(x) == 0 {
		if len(segs) != 0 {
			t.Fatalf("empty input gave %d segments", len(segs))
		}
		return
	}
	if segs[0].Start != 0 || segs[len(segs)-1].End != len(x) {
		t.Fatalf("segments do not cover [0, %d): %+v", len(x), segs)
	}
	for k, s := range segs {
		if s.End <= s.Start || (k > 0 && s.Start != segs[k-1].End) {
			t.Fatalf("segment %d %+v breaks the tiling", k, s)
		}
		n := 0
		for _, v := range x[s.Start:s.End] {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				n++
			}
		}
		if n != s.N {
			t.Fatalf("segment %d: N = %d, counted %d finite values", k, s.N, n)
		}
	}
}

// locationTol returns the number of bins k such that the estimated position
// of a change of δ noise SDs is off by more than k with probability below
// eps. Moving the cut j bins into the wrong side changes the log-likelihood
// ratio by a random walk with drift -δ²/2 and variance δ² per step, so
// P(error ≥ k on one side) ≤ Σ_{j≥k} Φ(-δ√j/2) (Hinkley 1970, Biometrika
// 57:1); both sides double it.
func locationTol(delta, eps float64) int {
	for k := 0; ; k++ {
		tail := 0.0
		for j := k + 1; j < k+10000; j++ {
			tail += 0.5 * math.Erfc(delta*math.Sqrt(float64(j))/2/math.Sqrt2)
		}
		if 2*tail < eps {
			return k
		}
	}
}

func TestRecoversChangePoints(t *testing.T) {
	tests := []struct {
		name    string
		lengths []int
		levels  []float64
	}{
		{"big jumps", []int{300, 80, 400, 50, 170}, []float64{0, 4, 0, -3, 1}},
		{"trisomy-like step", []int{500, 500}, []float64{0, 3}},
		{"small central block", []int{400, 6, 400}, []float64{0, 4, 0}},
		// Edge segments: a short run at either end must be found.
		{"short edges", []int{5, 490, 5}, []float64{4, 0, -4}},
		{"2 SD jumps", []int{300, 300, 300}, []float64{0, 2, 0}},
		{"1 SD jump", []int{600, 600}, []float64{0, 1}},
	}
	const seeds = 10
	for k, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var want []int
			var tol []int
			pos := 0
			for i, n := range tc.lengths[:len(tc.lengths)-1] {
				pos += n
				want = append(want, pos)
				// 1e-3 failure probability per boundary over all seeds.
				d := math.Abs(tc.levels[i+1] - tc.levels[i])
				tol = append(tol, locationTol(d, 1e-3/seeds))
			}
			for seed := uint64(0); seed < seeds; seed++ {
				x := piecewise(rand.New(rand.NewPCG(uint64(k), seed)), tc.lengths, tc.levels)
				// α = 0.001: this test is about locating real changes; the
				// false-positive rate is tested on its own below.
				segs, err := CBS(x, Options{Alpha: 0.001})
				if err != nil {
					t.Fatal(err)
				}
				checkTiling(t, segs, x)
				got := boundaries(segs)
				if len(got) != len(want) {
					t.Fatalf("seed %d: boundaries %v, want %v", seed, got, want)
				}
				for i := range want {
					if d := got[i] - want[i]; d < -tol[i] || d > tol[i] {
						t.Errorf("seed %d: boundary %d at %d, want %d ± %d", seed, i, got[i], want[i], tol[i])
					}
				}
				// Segment means are sample means of ≈ N(level, 1/N), give
				// or take the few misplaced bins.
				for i, s := range segs {
					if se := 1 / math.Sqrt(float64(s.N)); math.Abs(s.Mean-tc.levels[i]) > 5*se+0.3 {
						t.Errorf("seed %d: segment %d mean %v, level %v", seed, i, s.Mean, tc.levels[i])
					}
				}
			}
			t.Logf("boundary tolerances %v bins", tol)
		})
	}
}

// TestFalsePositiveRate: on pure noise a split happens only when the first
// test rejects, with probability ≈ Alpha. Over 100 seeded replicates the
// number of noise inputs split is Binomial(100, α); for α = 0.01 we allow at
// most 5 (P(X > 5) ≈ 5e-4), and for α = 0.1 between 3 and 20 (±3.3 SD around
// 10), which also shows the p-values are not grossly conservative.
func TestFalsePositiveRate(t *testing.T) {
	for _, tc := range []struct {
		alpha  float64
		lo, hi int
	}{{0.01, 0, 5}, {0.1, 3, 20}} {
		split := 0
		for rep := uint64(0); rep < 100; rep++ {
			r := rand.New(rand.NewPCG(99, rep))
			x := piecewise(r, []int{500}, []float64{0})
			segs, err := CBS(x, Options{Alpha: tc.alpha})
			if err != nil {
				t.Fatal(err)
			}
			if len(segs) > 1 {
				split++
			}
		}
		if split < tc.lo || split > tc.hi {
			t.Errorf("alpha %v: %d of 100 noise inputs split, want %d–%d", tc.alpha, split, tc.lo, tc.hi)
		}
	}
}

func TestNoSpuriousSegmentsAroundRealOnes(t *testing.T) {
	// Three true change points in 3,000 bins (100 kb bins on a large
	// chromosome): each final segment is tested once more at α = 0.01, so
	// extra segments should appear in only a few percent of replicates.
	// Over 60 replicates allow 6 (expected ≈ 2–3; P(X > 6) < 1% for a 4%
	// rate). This guards against edge-effect cuts riding on real changes.
	extra := 0
	for rep := uint64(0); rep < 60; rep++ {
		r := rand.New(rand.NewPCG(7, rep))
		x := piecewise(r, []int{1000, 100, 900, 1000}, []float64{0, 1, 0, -0.5})
		segs, err := CBS(x, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(segs) > 4 {
			extra++
		}
		if len(segs) < 4 {
			t.Errorf("replicate %d: only %d segments, the 3 changes (≥ 0.5 SD over ≥ 100 bins) should all be found", rep, len(segs))
		}
	}
	if extra > 6 {
		t.Errorf("%d of 60 replicates had spurious extra segments", extra)
	}
}

func TestMaskedValues(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	clean := piecewise(r, []int{200, 200}, []float64{0, 3})
	// Insert NaN/Inf runs: one straddling the change, one leading, one
	// trailing, a few scattered.
	var x []float64
	var orig []int // position in x of each clean value
	add := func(v ...float64) { x = append(x, v...) }
	add(math.NaN(), math.NaN())
	for i, v := range clean {
		if i == 200 {
			add(math.NaN(), math.Inf(1), math.NaN())
		}
		if i%37 == 5 {
			add(math.NaN())
		}
		orig = append(orig, len(x))
		add(v)
	}
	add(math.NaN())
	want, err := CBS(clean, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := CBS(x, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkTiling(t, got, x)
	if len(got) != len(want) {
		t.Fatalf("%d segments with masked values, %d without", len(got), len(want))
	}
	for k := range want {
		// Same means and counts; boundaries at the first unmasked point of
		// each segment, so masked runs join the segment on their left.
		if got[k].Mean != want[k].Mean || got[k].N != want[k].N {
			t.Errorf("segment %d: %+v, clean %+v", k, got[k], want[k])
		}
		if k > 0 && got[k].Start != orig[want[k].Start] {
			t.Errorf("segment %d starts at %d, want %d (first unmasked point)", k, got[k].Start, orig[want[k].Start])
		}
	}
}

func TestDegenerateInputs(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name  string
		x     []float64
		nSegs int
	}{
		{"empty", nil, 0},
		{"all NaN", []float64{nan, nan, nan}, 1},
		{"single", []float64{1}, 1},
		{"shorter than two minimum segments", []float64{1, 100, 1}, 1},
		{"constant", []float64{2, 2, 2, 2, 2, 2, 2, 2}, 1},
		{"exact steps without noise", []float64{0, 0, 0, 0, 0, 5, 5, 5, 5, 5}, 2},
		// Most neighbours tie (integer data): the robust noise scale is 0,
		// and the classical one must take over instead of making every
		// difference infinitely significant.
		{"mostly tied integers", []float64{3, 3, 3, 4, 4, 3, 3, 3, 2, 3, 3, 3, 4, 3, 3, 3, 3, 2, 3, 3}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			segs, err := CBS(tc.x, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(segs) != tc.nSegs {
				t.Fatalf("%d segments %+v, want %d", len(segs), segs, tc.nSegs)
			}
			checkTiling(t, segs, tc.x)
			if tc.name == "all NaN" && (!math.IsNaN(segs[0].Mean) || segs[0].N != 0) {
				t.Errorf("all-NaN segment %+v, want Mean NaN, N 0", segs[0])
			}
		})
	}
}

func TestOptionErrors(t *testing.T) {
	x := []float64{1, 2, 3, 4}
	bad := []Options{
		{Alpha: 1.5}, {Alpha: -0.1}, {MinSize: -1}, {Permutations: -5},
		{UndoSD: -1}, {SD: -1}, {SD: math.Inf(1)},
		{Weights: []float64{1, 1}},
		{Weights: []float64{1, -1, 1, 1}},
		{Weights: []float64{1, math.NaN(), 1, 1}},
	}
	for _, o := range bad {
		if _, err := CBS(x, o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
}

func TestWeights(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	x := piecewise(r, []int{150, 40, 150}, []float64{0, 1.5, 0})
	plain, _ := CBS(x, Options{})
	// Uniform weights change nothing: Z is scale-free in the weights and
	// the noise SD is estimated per unit weight.
	w := make([]float64, len(x))
	for i := range w {
		w[i] = 2.5
	}
	weighted, err := CBS(x, Options{Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(boundaries(plain), boundaries(weighted)) {
		t.Errorf("uniform weights changed boundaries: %v vs %v", boundaries(weighted), boundaries(plain))
	}
	// Zero weight masks a point like NaN.
	w[10], w[11] = 0, 0
	y := slices.Clone(x)
	y[10], y[11] = math.NaN(), math.NaN()
	zw, _ := CBS(x, Options{Weights: w})
	nw, _ := CBS(y, Options{Weights: w})
	if !slices.Equal(zw, nw) {
		t.Errorf("zero weights %+v differ from NaN %+v", zw, nw)
	}
	// A heavily down-weighted (noisy) run is not split off on its own:
	// weights 0.01 mean SD 10 per point, so a +1.5 shift is invisible.
	for i := 150; i < 190; i++ {
		w[i] = 0.01
	}
	down, _ := CBS(x, Options{Weights: w})
	if len(down) != 1 {
		t.Errorf("down-weighted run still split: %+v", down)
	}
}

func TestUndoSD(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	// Two real changes: 0.6 SD (over 400 bins, clearly significant) and
	// 3 SD.
	x := piecewise(r, []int{400, 400, 400}, []float64{0, 0.6, 3.6})
	all, _ := CBS(x, Options{})
	if len(all) != 3 {
		t.Fatalf("without undo: %d segments, want 3", len(all))
	}
	// UndoSD = 1 removes the 0.6 SD split and keeps the 3 SD one.
	undone, _ := CBS(x, Options{UndoSD: 1})
	if len(undone) != 2 || math.Abs(float64(undone[1].Start-800)) > 2 {
		t.Errorf("with UndoSD 1: %+v, want one boundary near 800", undone)
	}
	// Merged means are recomputed over the union.
	if undone[0].N != all[0].N+all[1].N {
		t.Errorf("merged segment N = %d, want %d", undone[0].N, all[0].N+all[1].N)
	}
}

func TestPermutationMode(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	x := piecewise(r, []int{120, 30, 150}, []float64{0, 2, 0})
	opt := Options{Permutations: 500, Seed: 42}
	a, err := CBS(x, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := CBS(x, opt)
	if !slices.Equal(a, b) {
		t.Error("same seed gave different segmentations")
	}
	if got := boundaries(a); len(got) != 2 || math.Abs(float64(got[0]-120)) > 2 || math.Abs(float64(got[1]-150)) > 2 {
		t.Errorf("permutation CBS boundaries %v, want ≈ [120 150]", got)
	}
	noise := piecewise(r, []int{300}, []float64{0})
	if s, _ := CBS(noise, opt); len(s) != 1 {
		t.Logf("noise split by permutation CBS (happens with probability α): %+v", s)
	}
}

func TestDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	x := piecewise(r, []int{500, 20, 500}, []float64{0, -1.5, 0.3})
	a, _ := CBS(x, Options{})
	for i := 0; i < 3; i++ {
		if b, _ := CBS(x, Options{}); !slices.Equal(a, b) {
			t.Fatal("CBS is not deterministic")
		}
	}
}

func BenchmarkCBS2500(b *testing.B) {
	benchCBS(b, []int{1000, 60, 1440}, []float64{0, -0.8, 0})
}

func BenchmarkCBS30000Noise(b *testing.B) { benchCBS(b, []int{30000}, []float64{0}) }

// BenchmarkCBS30000 is a genome-wide 100 kb profile with 24 chromosome-sized
// pieces at alternating levels and a few CNVs.
func BenchmarkCBS30000(b *testing.B) {
	var lengths []int
	var levels []float64
	for c := 0; c < 24; c++ {
		lengths = append(lengths, 1150, 50)
		levels = append(levels, 0.2*float64(c%3), 1.5)
	}
	benchCBS(b, lengths, levels)
}

func benchCBS(b *testing.B, lengths []int, levels []float64) {
	x := piecewise(rand.New(rand.NewPCG(1, 1)), lengths, levels)
	b.ResetTimer()
	for b.Loop() {
		if _, err := CBS(x, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
