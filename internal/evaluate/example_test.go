package evaluate_test

import (
	"fmt"

	"github.com/nipt/nipt/internal/evaluate"
)

// Nine of ten trisomies detected: the exact 95% interval of the sensitivity.
func ExampleClopperPearsonInterval() {
	lo, hi := evaluate.ClopperPearsonInterval(9, 10, 0.95)
	fmt.Printf("%.4f–%.4f\n", lo, hi)
	// Output: 0.5550–0.9975
}

// A call covering 8 Mb of a 10 Mb deletion matches it (overlap 0.8 ≥ 0.5).
func ExampleReciprocalOverlap() {
	truth := evaluate.CNV{Chrom: "5", Start: 10_000_000, End: 20_000_000, Type: "loss", Origin: "fetal"}
	call := evaluate.CNV{Chrom: "5", Start: 11_000_000, End: 19_000_000, Type: "loss", Origin: "fetal"}
	fmt.Println(evaluate.ReciprocalOverlap(truth, call))
	// Output: 0.8
}
