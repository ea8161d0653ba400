package stats_test

import (
	"fmt"

	"github.com/nipt/nipt/internal/stats"
)

func Example() {
	x := []float64{9.8, 10.1, 10.0, 9.9, 10.2, 55} // one gross outlier
	mean, sd := stats.MeanSD(x)
	fmt.Printf("mean %.2f sd %.2f\n", mean, sd)
	fmt.Printf("median %.2f MAD %.3f\n", stats.Median(x), stats.MAD(x))
	fmt.Printf("z for a two-sided 5%% test: %.4f\n", stats.NormalQuantile(0.975))
	lo, hi := stats.WilsonInterval(8, 10, 0.95)
	fmt.Printf("8/10: %.3f–%.3f\n", lo, hi)
	// Output:
	// mean 17.50 sd 18.37
	// median 10.05 MAD 0.222
	// z for a two-sided 5% test: 1.9600
	// 8/10: 0.490–0.943
}
