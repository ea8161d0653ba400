package refset

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nipt/nipt/internal/stats"
	"gonum.org/v1/gonum/stat/distuv"
)

// TestLevel: the level is the mean of well-behaved values, wild values
// move it by at most 5 robust SDs / n each, excluded values do not count,
// and — the reason it replaced the median — for the left-skewed log
// counts of shallow bins (log(X + 1/2), X ~ Poisson(10)) it matches log μ
// while the median sits ≈ 1/(6μ) = 0.017 above. 20,000 values: the mean's
// SE is 0.32/√20000 = 0.0022, tolerance 4 SE.
func TestLevel(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	x := make([]float64, 10_000)
	var mean float64
	for i := range x {
		x[i] = 0.1 * r.NormFloat64()
		mean += x[i] / float64(len(x))
	}
	if got := level(x, nil); math.Abs(got-mean) > 1e-4 {
		t.Errorf("level %.6f, mean %.6f", got, mean)
	}
	wild := append([]float64(nil), x...)
	for i := 0; i < 10; i++ {
		wild[i] = -20
	}
	if got := level(wild, nil); math.Abs(got-mean) > 10*(5*0.1+0.1)/float64(len(x))+1e-4 {
		t.Errorf("10 wild values moved the level from %.6f to %.6f", mean, got)
	}
	if got := level(wild, func(a int) bool { return a >= 10 }); math.Abs(got-level(x[10:], nil)) > 1e-12 {
		t.Errorf("excluded values changed the level: %.6f", got)
	}
	src := rand.NewPCG(5, 5)
	p := distuv.Poisson{Lambda: 10, Src: src}
	lg := make([]float64, 20_000)
	for i := range lg {
		lg[i] = math.Log(p.Rand()+0.5) - math.Log(10)
	}
	if got := level(lg, nil); math.Abs(got) > 4*0.0022 {
		t.Errorf("level of log(Poisson(10) + 1/2) − log 10: %.4f, want 0", got)
	}
	if med := stats.Median(lg); !(med-level(lg, nil) > 0.01) {
		t.Errorf("median %.4f not above the level: the test would not tell them apart", med)
	}
	if got := level(nil, nil); got != 0 {
		t.Errorf("level of nothing: %g", got)
	}
}
