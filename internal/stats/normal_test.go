package stats

import (
	"math"
	"testing"
)

// Reference values computed independently with mpmath at 40 digits:
// erfc(z/√2)/2 and -√2·erfinv(1-2p).
func TestNormalTails(t *testing.T) {
	tests := []struct {
		z, sf float64
	}{
		{1.96, 0.024997895148220436213},
		{10, 7.619853024160526066e-24},
		{20, 2.7536241186062336951e-89},
		{37, 5.7255712225245768227e-300},
		{-3, 0.99865010196836990547},
	}
	for _, tc := range tests {
		got := NormalSF(tc.z)
		// Relative 1e-13: the standard library's erfc is accurate to a
		// few ulps.
		if math.Abs(got-tc.sf) > 1e-13*tc.sf {
			t.Errorf("NormalSF(%v) = %v, want %v", tc.z, got, tc.sf)
		}
		if c := NormalCDF(-tc.z); math.Abs(c-tc.sf) > 1e-13*tc.sf {
			t.Errorf("NormalCDF(%v) = %v, want %v", -tc.z, c, tc.sf)
		}
	}
	if NormalSF(math.Inf(1)) != 0 || NormalCDF(math.Inf(1)) != 1 || !math.IsNaN(NormalSF(math.NaN())) {
		t.Error("NormalSF/CDF mishandle ±Inf or NaN")
	}
}

func TestNormalLogSF(t *testing.T) {
	tests := []struct{ z, want float64 }{
		{30, -454.32124395634319711},
		{35, -616.97510126192251347},
		{40, -804.60844201375378817}, // past the float64 range of NormalSF
		{100, -5005.5242086942050886},
	}
	for _, tc := range tests {
		if got := NormalLogSF(tc.z); math.Abs(got-tc.want) > 1e-12*math.Abs(tc.want) {
			t.Errorf("NormalLogSF(%v) = %.15g, want %.15g", tc.z, got, tc.want)
		}
	}
	if got := NormalLogSF(0); math.Abs(got-math.Log(0.5)) > 1e-15 {
		t.Errorf("NormalLogSF(0) = %v, want log ½", got)
	}
	if !math.IsInf(NormalLogSF(math.Inf(1)), -1) || !math.IsNaN(NormalLogSF(math.NaN())) {
		t.Error("NormalLogSF mishandles +Inf or NaN")
	}
}

func TestNormalQuantile(t *testing.T) {
	tests := []struct{ p, want float64 }{
		{0.975, 1.9599639845400542355},
		{0.5, 0},
		{1e-10, -6.3613409024040562047},
		{0.001, -3.0902323061678135415},
		{0.9999, 3.7190164854556805644},
		{1e-300, -37.047096299361199237},
	}
	for _, tc := range tests {
		if got := NormalQuantile(tc.p); math.Abs(got-tc.want) > 1e-13*math.Max(1, math.Abs(tc.want)) {
			t.Errorf("NormalQuantile(%v) = %.17g, want %.17g", tc.p, got, tc.want)
		}
	}
	for _, p := range []float64{1e-300, 1e-100, 1e-20, 1e-5, 0.01, 0.3, 0.5, 0.7, 0.99} {
		// Round trip through the tail computed without cancellation.
		if got := NormalCDF(NormalQuantile(p)); math.Abs(got-p) > 1e-13*p {
			t.Errorf("NormalCDF(NormalQuantile(%v)) = %v", p, got)
		}
	}
	specials := []struct{ p, want float64 }{{0, math.Inf(-1)}, {1, math.Inf(1)}}
	for _, s := range specials {
		if got := NormalQuantile(s.p); got != s.want {
			t.Errorf("NormalQuantile(%v) = %v, want %v", s.p, got, s.want)
		}
	}
	for _, p := range []float64{-0.1, 1.5, math.NaN()} {
		if got := NormalQuantile(p); !math.IsNaN(got) {
			t.Errorf("NormalQuantile(%v) = %v, want NaN", p, got)
		}
	}
}

// StudentTQuantile: published t-table values, the normal limit, and the
// round trip through gonum's CDF.
func TestStudentTQuantile(t *testing.T) {
	for _, tc := range []struct{ p, df, want float64 }{
		{0.975, 10, 2.228}, {0.995, 20, 2.845}, {0.999, 60, 3.232}, {0.975, 0, 1.960}, {0.999, math.Inf(1), 3.090},
	} {
		if got := StudentTQuantile(tc.p, tc.df); math.Abs(got-tc.want) > 0.001 {
			t.Errorf("t quantile %g with %g df = %.4f, want %.3f", tc.p, tc.df, got, tc.want)
		}
	}
	if got := StudentTQuantile(0.999, 79); !(got > StudentTQuantile(0.999, 239) && StudentTQuantile(0.999, 239) > NormalQuantile(0.999)) {
		t.Errorf("t quantiles do not fall towards the normal one as df grows: %.4f", got)
	}
}

// ChiSquareQuantile: published χ² table values.
func TestChiSquareQuantile(t *testing.T) {
	for _, tc := range []struct{ p, df, want float64 }{
		{0.975, 1, 5.024}, {0.025, 10, 3.247}, {0.975, 10, 20.483}, {0.5, 79, 78.334},
	} {
		if got := ChiSquareQuantile(tc.p, tc.df); math.Abs(got-tc.want) > 0.002 {
			t.Errorf("χ² quantile %g with %g df = %.4f, want %.3f", tc.p, tc.df, got, tc.want)
		}
	}
}
