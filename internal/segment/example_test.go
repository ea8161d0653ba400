package segment_test

import (
	"fmt"
	"math"

	"github.com/nipt/nipt/internal/segment"
)

func Example() {
	// Log-ratios of 300 bins with a 40-bin gain; a deterministic wiggle
	// stands in for noise, and one bin is masked.
	x := make([]float64, 300)
	for i := range x {
		x[i] = 0.1 * math.Sin(float64(i)*1.7)
		if i >= 120 && i < 160 {
			x[i] += 0.5
		}
	}
	x[50] = math.NaN()
	segs, err := segment.CBS(x, segment.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range segs {
		mean := math.Round(s.Mean*100)/100 + 0 // + 0 turns -0 into 0
		fmt.Printf("[%d, %d) mean %.2f over %d bins\n", s.Start, s.End, mean, s.N)
	}
	// Output:
	// [0, 120) mean 0.00 over 119 bins
	// [120, 160) mean 0.50 over 40 bins
	// [160, 300) mean 0.00 over 140 bins
}
