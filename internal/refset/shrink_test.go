package refset

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestShrinkNulls: when the autosomes share one noise ratio, pooling their
// SDs removes most of each one's sampling error; when their ratios truly
// differ by far more than that error, each keeps about its own.
func TestShrinkNulls(t *testing.T) {
	const n = 80 // reference samples
	rng := rand.New(rand.NewPCG(3, 4))
	// sdOf draws the SD of n normal values with SD sigma.
	sdOf := func(sigma float64) float64 {
		var s, ss float64
		for i := 0; i < n; i++ {
			x := sigma * rng.NormFloat64()
			s += x
			ss += x * x
		}
		m := s / n
		return math.Sqrt((ss - n*m*m) / (n - 1))
	}
	for _, tc := range []struct {
		name   string
		spread float64 // SD of the true log ratios across autosomes
		gain   bool    // pooling must cut the error at least in half
	}{{"common ratio", 0, true}, {"ratios differ by 40%", 0.4, false}} {
		var errOwn, errPooled float64
		const reps = 50
		for r := 0; r < reps; r++ {
			chroms := make([]ChromModel, 22)
			truth := make([]float64, 22)
			for c := range chroms {
				pois := 0.003 * (1 + float64(c)/10)
				truth[c] = pois * 1.15 * math.Exp(tc.spread*rng.NormFloat64())
				chroms[c].Nulls = map[string]Null{MethodPCA: {SD: sdOf(truth[c]), Poisson: pois, N: n}}
			}
			shrinkNulls(chroms)
			for c := range chroms {
				nl := chroms[c].Nulls[MethodPCA]
				if nl.CVSD == 0 {
					t.Fatal("own estimate not kept")
				}
				errOwn += math.Pow(math.Log(nl.CVSD/truth[c]), 2)
				errPooled += math.Pow(math.Log(nl.SD/truth[c]), 2)
			}
		}
		own, pooled := math.Sqrt(errOwn/(22*reps)), math.Sqrt(errPooled/(22*reps))
		t.Logf("%s: RMS log error own %.4f, pooled %.4f", tc.name, own, pooled)
		switch {
		case tc.gain && !(pooled < own/2):
			t.Errorf("%s: pooled error %.4f not under half the own %.4f", tc.name, pooled, own)
		case !tc.gain && !(pooled < 1.05*own):
			t.Errorf("%s: pooling made the error worse: %.4f against %.4f", tc.name, pooled, own)
		}
	}
	// Too few chromosomes: untouched.
	few := []ChromModel{{Nulls: map[string]Null{MethodPCA: {SD: 0.004, Poisson: 0.003, N: n}}}}
	shrinkNulls(few)
	if nl := few[0].Nulls[MethodPCA]; nl.SD != 0.004 || nl.CVSD != 0 {
		t.Errorf("one chromosome pooled: %+v", nl)
	}
}
