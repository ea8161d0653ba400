package normalize

import (
	"testing"
)

// BenchmarkGroupResidual: leave-one-chromosome-out residual of one sample
// with 20 components over 28,000 columns (100 kb autosomes).
func BenchmarkGroupResidual(b *testing.B) {
	n, p, k := 40, 28000, 20
	sds := make([]float64, k)
	for i := range sds {
		sds[i] = float64(k - i)
	}
	x := lowRank(n, p, sds, 1)
	w := ones(p)
	y := Whiten(x, w)
	m, err := FitPCA(y, NewGram(y, 1), w, k, 1)
	if err != nil {
		b.Fatal(err)
	}
	group := make([]int, p)
	for j := range group {
		group[j] = j * 22 / p
	}
	gm := NewGroupModel(m.Basis(), group, 22)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		gm.Residual(x[i%n], nil)
	}
}
