package loess_test

import (
	"fmt"

	"github.com/nipt/nipt/internal/loess"
)

func Example() {
	// Read depth against GC content with a bowl-shaped bias and one bin
	// hit by a deletion; the robust fit ignores the outlier.
	var gc, depth []float64
	for i := 0; i <= 40; i++ {
		g := 0.30 + 0.0075*float64(i)
		d := 100 - 2000*(g-0.45)*(g-0.45)
		if i == 20 {
			d /= 2
		}
		gc = append(gc, g)
		depth = append(depth, d)
	}
	c, err := loess.Fit(gc, depth, loess.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("expected depth at GC 45%%: %.1f (outlier weight %.0f)\n", c.At(0.45), c.Robustness[20])
	fmt.Printf("corrected ratio of the deleted bin: %.2f\n", depth[20]/c.At(gc[20]))
	// Output:
	// expected depth at GC 45%: 100.0 (outlier weight 0)
	// corrected ratio of the deleted bin: 0.50
}
