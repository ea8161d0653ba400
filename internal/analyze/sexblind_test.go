package analyze

import (
	"fmt"
	"math"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/refset/synth"
	"github.com/nipt/nipt/internal/result"
)

// categories lists what a lab sees of one sample under the default
// profile (fetal sex never disclosed, SCA presence reported) as discrete
// labels: the SCA outcome, the QC verdict and every trisomy no-call reason.
func categories(v *result.Result) []string {
	out := []string{"sca:" + string(v.SCA.Call), "qc:" + string(v.QC.Status)}
	for _, f := range v.Aneuploidies {
		if f.Call == result.NoCall {
			out = append(out, f.Condition+":"+reasonCode(f.NoCallReason))
		}
	}
	return out
}

// TestOutcomeIndependentOfSex analyses euploid male/female pairs drawn
// with the same seeds and fetal fractions (only the fetal sex differs)
// under the default profile and requires that nothing a lab sees depends
// on the sex beyond sampling error. For every label (SCA outcome, QC
// verdict, trisomy no-call reason) the pairs in which only one fetus has it
// must split evenly between the sexes: an exact two-sided sign test
// (McNemar) at α = 0.001 per label, about 0.01 over the ten-odd labels
// (Bonferroni). The sex-blind fetal fraction and its interval width must
// have paired differences whose mean lies within 4 standard errors of 0.
//
// Two regimes: paired-end at 1 M reads, fetal fraction 3–15% (about a
// third of the SCA results not callable), and single-end at 2 M reads,
// fetal fraction 5–20%, where only the weak bin-profile estimate measures
// the fetal fraction. The second is where the earlier posterior rule
// ("ambiguous: no call") leaked most; with it this test fails: 15 pairs
// with an SCA no-call for the female fetus only, none for the male only
// (p = 6e-5).
func TestOutcomeIndependentOfSex(t *testing.T) {
	f := fixture(t)
	n := 30
	if testing.Short() {
		n = 10
	}
	prof := disclosure.DefaultProfile()
	opt := Options{Config: call.DefaultConfig(), SexBlind: true}
	disc := map[string]*[2]int{} // label -> pairs where only the male (0) or only the female (1) has it
	high := 0
	var dFF, dW []float64
	for _, reg := range []struct {
		reads    int
		paired   bool
		ffLo, ff float64
	}{{1_000_000, true, 0.03, 0.12}, {2_000_000, false, 0.05, 0.15}} {
		for i := 0; i < n; i++ {
			var labels [2]map[string]bool
			var v [2]*result.Result
			for k, male := range []bool{true, false} {
				s := synth.Sample{ID: fmt.Sprintf("pair%02d", i), Male: male, FF: reg.ffLo + reg.ff*float64(i)/float64(n-1),
					Seed: uint64(5000 + i), Trisomy: -1, Reads: reg.reads, Paired: reg.paired}
				var err error
				if v[k], err = AnalyzeView(f.Ref, f.Model.Counts(&s), opt, prof, disclosure.Request{}); err != nil {
					t.Fatal(err)
				}
				labels[k] = map[string]bool{}
				for _, c := range categories(v[k]) {
					labels[k][c] = true
				}
				if v[k].SCA.Call == result.HighRisk {
					high++
				}
			}
			for k := range labels {
				for c := range labels[k] {
					if !labels[1-k][c] {
						if disc[c] == nil {
							disc[c] = &[2]int{}
						}
						disc[c][k]++
					}
				}
			}
			dFF = append(dFF, v[0].FetalFraction.Value-v[1].FetalFraction.Value)
			dW = append(dW, (v[0].FetalFraction.High-v[0].FetalFraction.Low)-(v[1].FetalFraction.High-v[1].FetalFraction.Low))
		}
	}
	for c, d := range disc {
		nd := d[0] + d[1]
		p := math.Min(1, 2*binomTail(min(d[0], d[1]), nd))
		t.Logf("%-28s only male %2d, only female %2d (sign test p = %.2g)", c, d[0], d[1], p)
		if p < 0.001 {
			t.Errorf("%s depends on the fetal sex: %d pairs only for the male fetus, %d only for the female (p = %.2g)", c, d[0], d[1], p)
		}
	}
	// Each euploid fetus is called high risk with probability ≤ 0.03%
	// (call.SCAPower): one false positive among 4n is already unlikely
	// (p < 0.04 at n = 30).
	if high > 0 {
		t.Errorf("%d euploid fetuses called SCA high risk", high)
	}
	for name, d := range map[string][]float64{"fetal fraction": dFF, "interval width": dW} {
		m, se := meanSE(d)
		t.Logf("sex-blind %s, male − female: mean %.5f (SE %.5f)", name, m, se)
		if math.Abs(m) > 4*se && math.Abs(m) > 1e-6 {
			t.Errorf("sex-blind %s differs by sex: mean male − female %.5f (SE %.5f)", name, m, se)
		}
	}
}

// binomTail is P(X ≤ k) for X ~ Binomial(n, 1/2).
func binomTail(k, n int) float64 {
	var p float64
	lc, _ := math.Lgamma(float64(n + 1))
	for x := 0; x <= k; x++ {
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

// TestSCASensitivity: sex-chromosome aneuploidies at fetal fractions of
// 8–20% (2 M paired-end reads) are called high risk with the right type
// whenever the result is callable, and most results are callable. On the
// fixture at 2 M reads the chrX SD is ≈ 0.006 log2 and the sex-blind fetal
// fraction's SE ≈ 1 point, so at FF ≥ 8% a one-copy X change has u = δ/σ_X
// ≥ 6 over nearly all of the fraction's distribution: the detection
// probability (call.SCADetectionProb) is above 0.95 — callable — and above
// 0.99 at the true fraction, so more than two misses among 24 callable
// samples would have probability < 0.002. At least 18 of 24 must be
// callable (measured: 24).
func TestSCASensitivity(t *testing.T) {
	f := fixture(t)
	opt := Options{Config: call.DefaultConfig(), SexBlind: true}
	var callable, missed int
	types := []string{"45,X", "47,XXX", "47,XXY", "47,XYY"}
	for i := 0; i < 24; i++ {
		typ := types[i%4]
		s := synth.Sample{ID: "sca", FF: 0.08 + 0.12*float64(i/4)/5, SCA: typ, Seed: uint64(7000 + i), Trisomy: -1}
		r, err := Analyze(f.Ref, sample(f, s), opt)
		if err != nil {
			t.Fatal(err)
		}
		if r.SCA.Call == result.NoCall {
			t.Logf("%s at FF %.3f: no call (%s)", typ, s.FF, r.SCA.NoCallReason)
			continue
		}
		callable++
		if r.SCA.Call != result.HighRisk || r.SCA.Type != typ {
			missed++
			t.Logf("%s at FF %.3f: %s %q", typ, s.FF, r.SCA.Call, r.SCA.Type)
		}
	}
	t.Logf("%d of 24 callable, %d missed or mistyped", callable, missed)
	if callable < 18 {
		t.Errorf("only %d of 24 SCA samples at FF 8–20%% callable", callable)
	}
	if missed > 2 {
		t.Errorf("%d of %d callable SCA samples missed or mistyped", missed, callable)
	}
}
