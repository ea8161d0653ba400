package mixture_test

import (
	"fmt"

	"github.com/nipt/nipt/internal/mixture"
)

func Example() {
	// chrY read fractions (‰) of a reference cohort: female pregnancies
	// near 0, male ones near 5.
	y := []float64{0.02, 0.05, 0.01, 0.04, 0.03, 0.02, 4.8, 5.3, 5.1, 4.6, 5.0, 5.2}
	m, err := mixture.Fit1D(y, 2, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for j := range m.Means {
		fmt.Printf("component %d: weight %.2f mean %.2f\n", j, m.Weights[j], m.Means[j])
	}
	// Between the clusters the much wider male component dominates: 2.0‰
	// is ~12 of its SDs away but over 100 SDs of the female one.
	p := m.Posterior(2.0)
	fmt.Printf("P(male cluster | 2.0‰) = %.3f\n", p[1])
	// Output:
	// component 0: weight 0.50 mean 0.03
	// component 1: weight 0.50 mean 5.00
	// P(male cluster | 2.0‰) = 1.000
}
