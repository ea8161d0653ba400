package refset

import (
	"math"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/fetalfraction"
	"github.com/nipt/nipt/internal/stats"
)

// TestPrecisionWarning: the reference warns when the sex-blind estimate
// cannot tell 6% from the 4% floor in three of four samples. A shrunk
// fragment-size model (slope 0.73) with residual SD 2.5 points has a
// de-biased SD of 3.4 points (28% of samples at 6% read below 4%: warn);
// with 1.5 points, 2.1 (17%: no warning). The share is Φ(−2 points / SD).
func TestPrecisionWarning(t *testing.T) {
	for _, tc := range []struct {
		s0   float64
		warn bool
	}{{0.025, true}, {0.015, false}} {
		cal := fetalfraction.Calibration{A: 0.027, B: 0.73, S0: tc.s0, N: 40}
		m := FFModels{Size: &SizeFF{Ridge: fetalfraction.Ridge{Cal: cal}}}
		sd := tc.s0 / 0.73
		if got, want := FloorShare(cal), stats.NormalCDF(-0.02/sd); math.Abs(got-want) > 1e-9 {
			t.Errorf("s0 %.3f: floor share %.4f, want %.4f", tc.s0, got, want)
		}
		w := m.precisionWarning(40)
		if (w != "") != tc.warn || tc.warn && !strings.Contains(w, "fragment-size profile") {
			t.Errorf("s0 %.3f: warning %q, want one: %v", tc.s0, w, tc.warn)
		}
	}
	// The bin profile speaks only when no fragment-size model is usable,
	// and an uninformative model none at all.
	weak := fetalfraction.Calibration{A: 0.09, B: 0.156, S0: 0.0175, VarB: 0.063 * 0.063, N: 40}
	m := FFModels{Profile: &ProfileFF{Ridge: fetalfraction.Ridge{Cal: weak}}}
	if w := m.precisionWarning(40); !strings.Contains(w, "bin profile") {
		t.Errorf("single-end model: warning %q", w)
	}
	m.Profile.Ridge.Cal.VarB = 0.1 * 0.1
	if w := m.precisionWarning(40); w != "" {
		t.Errorf("uninformative model warned: %q", w)
	}
}
