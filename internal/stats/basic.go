package stats

import "math"

// MeanSD returns the mean and the sample standard deviation (divisor n-1) of
// the non-NaN values of x. The mean is NaN with no values and the SD is NaN
// with fewer than two. A two-pass algorithm keeps the SD accurate when the
// mean is large compared with the spread.
func MeanSD(x []float64) (mean, sd float64) {
	n := 0
	sum := 0.0
	for _, v := range x {
		if !math.IsNaN(v) {
			n++
			sum += v
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	mean = sum / float64(n)
	if n < 2 {
		return mean, math.NaN()
	}
	ss, comp := 0.0, 0.0
	for _, v := range x {
		if !math.IsNaN(v) {
			d := v - mean
			ss += d * d
			comp += d
		}
	}
	// Corrected two-pass formula (Chan, Golub & LeVeque 1983, Am. Stat.).
	ss -= comp * comp / float64(n)
	if ss < 0 {
		ss = 0
	}
	return mean, math.Sqrt(ss / float64(n-1))
}

// PearsonR returns the Pearson correlation of x and y over the pairs where
// both are finite. It returns NaN if the lengths differ, fewer than two pairs
// remain, or either variable is constant.
func PearsonR(x, y []float64) float64 {
	if len(x) != len(y) {
		return math.NaN()
	}
	n := 0
	sx, sy := 0.0, 0.0
	for i := range x {
		if isFinite(x[i]) && isFinite(y[i]) {
			n++
			sx += x[i]
			sy += y[i]
		}
	}
	if n < 2 {
		return math.NaN()
	}
	mx, my := sx/float64(n), sy/float64(n)
	var sxx, syy, sxy float64
	for i := range x {
		if isFinite(x[i]) && isFinite(y[i]) {
			dx, dy := x[i]-mx, y[i]-my
			sxx += dx * dx
			syy += dy * dy
			sxy += dx * dy
		}
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	r := sxy / math.Sqrt(sxx*syy)
	return math.Max(-1, math.Min(1, r))
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
