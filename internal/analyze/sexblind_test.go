package analyze

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/refset"
	"github.com/nipt/nipt/internal/refset/synth"
	"github.com/nipt/nipt/internal/result"
)

// fisherExact returns the two-sided p-value of Fisher's exact test of the
// 2×2 table [[a, b], [c, d]]: the total hypergeometric probability of the
// tables with the same margins that are no more probable than the observed
// one.
func fisherExact(a, b, c, d int) float64 {
	r1, c1, n := a+b, a+c, a+b+c+d
	lf := func(k int) float64 { v, _ := math.Lgamma(float64(k + 1)); return v }
	logp := func(x int) float64 {
		return lf(r1) + lf(n-r1) + lf(c1) + lf(n-c1) - lf(n) - lf(x) - lf(r1-x) - lf(c1-x) - lf(n-r1-c1+x)
	}
	obs := logp(a)
	var p float64
	for x := max(0, r1+c1-n); x <= min(r1, c1); x++ {
		if lp := logp(x); lp <= obs+1e-9 {
			p += math.Exp(lp)
		}
	}
	return math.Min(p, 1)
}

func TestFisherExact(t *testing.T) {
	// Fisher's tea-tasting table [[3, 1], [1, 3]]: two-sided p = 34/70;
	// [[0, 5], [5, 0]]: only it and its mirror image are as extreme, each
	// with probability 1/C(10, 5), p = 2/252; a balanced table: p = 1.
	for _, tc := range []struct {
		a, b, c, d int
		want, tol  float64
	}{{3, 1, 1, 3, 34.0 / 70, 1e-12}, {0, 5, 5, 0, 2.0 / 252, 1e-12}, {5, 5, 5, 5, 1, 1e-9}} {
		if got := fisherExact(tc.a, tc.b, tc.c, tc.d); math.Abs(got-tc.want) > tc.tol {
			t.Errorf("fisherExact(%d, %d, %d, %d) = %.3g, want %.3g", tc.a, tc.b, tc.c, tc.d, got, tc.want)
		}
	}
}

// pairOutcome is what a lab sees of one sample under the default profile
// (fetal sex never disclosed, SCA presence reported).
type pairOutcome struct {
	sca               result.Call
	qc                result.QCStatus
	ffWidth           float64
	ff                float64
	trisomyNoCallText string
}

func outcome(v *result.Result) pairOutcome {
	o := pairOutcome{sca: v.SCA.Call, qc: v.QC.Status, ff: v.FetalFraction.Value,
		ffWidth: v.FetalFraction.High - v.FetalFraction.Low}
	var rs []string
	for _, f := range v.Aneuploidies {
		if f.Call == result.NoCall {
			rs = append(rs, f.Condition+":"+reasonCode(f.NoCallReason))
		}
	}
	o.trisomyNoCallText = strings.Join(rs, ",")
	return o
}

// TestSCAOutcomeIndependentOfSex analyses euploid male/female pairs drawn
// with the same seeds (only the fetal sex differs) under the default
// profile and requires that nothing a lab sees depends on the sex beyond
// sampling error:
//
//   - the SCA outcome: the no-call and high-risk counts of the two sexes
//     pass Fisher's exact test at α = 0.01 (the old posterior rule, 17 of
//     60 female against 1 of 60 male no-calls on this fixture, gives
//     p = 3e-5); and, pair by pair, the no-call decision agrees except for
//     a few pairs whose fetal-fraction bound sits at the callability
//     threshold (the two sexes' autosomal counts differ by the few reads a
//     male fetus moves between chrX and chrY), with the discordant pairs
//     balanced (exact binomial sign test, α = 0.01);
//   - the QC verdict and the trisomy no-call reasons: identical in at least
//     all but three pairs (same reason as above);
//   - the sex-blind fetal fraction and its interval width: paired
//     differences whose mean lies within 4 standard errors of 0.
func TestSCAOutcomeIndependentOfSex(t *testing.T) {
	f := fixture(t)
	n := 60
	if testing.Short() {
		n = 20
	}
	prof := disclosure.DefaultProfile()
	opt := Options{Config: call.DefaultConfig(), SexBlind: true}
	var noCall, high [2]int
	var disc [2]int // pairs where only the male (0) or only the female (1) is a no-call
	otherDiff := 0
	var dFF, dW []float64
	for i := 0; i < n; i++ {
		var out [2]pairOutcome
		for k, male := range []bool{true, false} {
			s := synth.Sample{ID: fmt.Sprintf("pair%02d", i), Male: male, FF: 0.04 + 0.16*float64(i)/float64(n-1),
				Seed: uint64(5000 + i), Trisomy: -1}
			v, err := AnalyzeView(f.Ref, sampleAt(f, s, 2000000), opt, prof, disclosure.Request{})
			if err != nil {
				t.Fatal(err)
			}
			out[k] = outcome(v)
			if out[k].sca == result.NoCall {
				noCall[k]++
			}
			if out[k].sca == result.HighRisk {
				high[k]++
			}
		}
		switch m, fe := out[0].sca == result.NoCall, out[1].sca == result.NoCall; {
		case m && !fe:
			disc[0]++
		case fe && !m:
			disc[1]++
		}
		if out[0].qc != out[1].qc || out[0].trisomyNoCallText != out[1].trisomyNoCallText {
			otherDiff++
			t.Logf("pair %d: QC %s/%s, trisomy no-calls %q/%q", i, out[0].qc, out[1].qc, out[0].trisomyNoCallText, out[1].trisomyNoCallText)
		}
		dFF = append(dFF, out[0].ff-out[1].ff)
		dW = append(dW, out[0].ffWidth-out[1].ffWidth)
	}
	t.Logf("%d pairs: SCA no-calls male %d female %d, high risk male %d female %d, discordant no-calls %v", n, noCall[0], noCall[1], high[0], high[1], disc)
	{
		var mx float64
		for _, d := range dFF {
			mx = math.Max(mx, math.Abs(d))
		}
		m, se := meanSE(dFF)
		mw, sew := meanSE(dW)
		t.Logf("FF male − female: max |d| %.5f, mean %.5f ± %.5f; width mean %.5f ± %.5f", mx, m, se, mw, sew)
	}
	if p := fisherExact(noCall[0], n-noCall[0], noCall[1], n-noCall[1]); p < 0.01 {
		t.Errorf("SCA no-calls depend on the fetal sex: %d male vs %d female of %d (Fisher p = %.2g)", noCall[0], noCall[1], n, p)
	}
	if p := fisherExact(high[0], n-high[0], high[1], n-high[1]); p < 0.01 {
		t.Errorf("SCA high-risk calls of euploid fetuses depend on the fetal sex: %d male vs %d female (Fisher p = %.2g)", high[0], high[1], p)
	}
	// Each euploid fetus is called high risk with probability ≤ 0.03%
	// (call.SCAPower): any false positive among 2n is a failure at α < 0.04.
	if high[0]+high[1] > 0 {
		t.Errorf("%d euploid fetuses called SCA high risk", high[0]+high[1])
	}
	if nd := disc[0] + disc[1]; nd > 0 {
		if p := 2 * binomTail(min(disc[0], disc[1]), nd); p < 0.01 {
			t.Errorf("discordant SCA no-calls lean to one sex: %v (sign test p = %.2g)", disc, p)
		}
	}
	if nd := disc[0] + disc[1]; nd > max(3, n/10) {
		t.Errorf("%d of %d pairs differ in SCA callability, want at most %d", nd, n, max(3, n/10))
	}
	if otherDiff > 3 {
		t.Errorf("%d of %d pairs differ in QC verdict or trisomy no-call reasons", otherDiff, n)
	}
	for name, d := range map[string][]float64{"fetal fraction": dFF, "interval width": dW} {
		m, se := meanSE(d)
		if math.Abs(m) > 4*se && math.Abs(m) > 1e-6 {
			t.Errorf("sex-blind %s differs by sex: mean male − female %.5f (SE %.5f)", name, m, se)
		}
	}
}

// binomTail is P(X ≤ k) for X ~ Binomial(n, 1/2).
func binomTail(k, n int) float64 {
	var p float64
	for x := 0; x <= k; x++ {
		lc, _ := math.Lgamma(float64(n + 1))
		a, _ := math.Lgamma(float64(x + 1))
		b, _ := math.Lgamma(float64(n - x + 1))
		p += math.Exp(lc - a - b - float64(n)*math.Ln2)
	}
	return p
}

// meanSE returns the mean of d and its standard error.
func meanSE(d []float64) (float64, float64) {
	var m, v float64
	for _, x := range d {
		m += x / float64(len(d))
	}
	for _, x := range d {
		v += (x - m) * (x - m) / float64(len(d)-1)
	}
	return m, math.Sqrt(v / float64(len(d)))
}

func sampleAt(f *refset.Fixture, s synth.Sample, reads int) *counts.Counts {
	s.Reads = reads
	if s.Trisomy == 0 {
		s.Trisomy = -1
	}
	if os.Getenv("SE") == "" {
		s.Paired = true
	}
	return f.Model.Counts(&s)
}
