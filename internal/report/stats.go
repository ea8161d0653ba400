package report

import "math"

// round x to d decimals (stable JSON numbers).
func round(x float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(x*p) / p
}
