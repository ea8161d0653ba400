package normalize

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// lowRank draws n profiles of p columns: rank-r structure with the given
// component SDs plus unit-variance noise.
func lowRank(n, p int, sds []float64, seed uint64) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	comps := make([][]float64, len(sds))
	for c := range comps {
		comps[c] = make([]float64, p)
		for j := range comps[c] {
			comps[c][j] = r.NormFloat64()
		}
	}
	x := make([][]float64, n)
	for i := range x {
		x[i] = make([]float64, p)
		sc := make([]float64, len(sds))
		for c := range sc {
			sc[c] = sds[c] * r.NormFloat64()
		}
		for j := range x[i] {
			v := 0.1 * r.NormFloat64()
			for c := range sc {
				v += 0.1 * sc[c] * comps[c][j]
			}
			x[i][j] = v
		}
	}
	return x
}

func ones(p int) []float64 {
	w := make([]float64, p)
	for i := range w {
		w[i] = 1
	}
	return w
}

// The Gram matrix is computed in parallel, entry by entry, with the dot
// product BLAS uses: the same bits as SymOuterK for any thread count.
func TestNewGramMatchesSymOuterK(t *testing.T) {
	y := Whiten(lowRank(37, 501, []float64{5, 3}, 9), ones(501))
	want := mat.NewSymDense(37, nil)
	want.SymOuterK(1, y)
	for _, threads := range []int{1, 3} {
		g := NewGram(y, threads)
		for i := range 37 {
			for j := range 37 {
				if g.G.At(i, j) != want.At(i, j) {
					t.Fatalf("%d threads: G[%d,%d] = %v, SymOuterK %v", threads, i, j, g.G.At(i, j), want.At(i, j))
				}
			}
		}
	}
}

// The components are computed in parallel: any thread count gives the
// same bits.
func TestFitPCAThreadsDoNotChangeResult(t *testing.T) {
	x := lowRank(30, 400, []float64{5, 3, 2}, 7)
	w := ones(400)
	y := Whiten(x, w)
	m1, err := FitPCA(y, NewGram(y, 1), w, 12, 1)
	if err != nil {
		t.Fatal(err)
	}
	m4, err := FitPCA(y, NewGram(y, 1), w, 12, 4)
	if err != nil {
		t.Fatal(err)
	}
	if m1.K() != 12 || m4.K() != m1.K() {
		t.Fatalf("components: %d with 1 thread, %d with 4; want 12", m1.K(), m4.K())
	}
	for c := range m1.Components {
		for j, v := range m1.Components[c] {
			if m4.Components[c][j] != v {
				t.Fatalf("component %d column %d: %v with 4 threads, %v with 1", c, j, m4.Components[c][j], v)
			}
		}
	}
}

func TestPCAResidualOrthogonal(t *testing.T) {
	x := lowRank(30, 400, []float64{5, 3}, 1)
	w := ones(400)
	y := Whiten(x, w)
	m, err := FitPCA(y, NewGram(y, 1), w, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	for a, u := range m.Components {
		for b, v := range m.Components {
			want := 0.0
			if a == b {
				want = 1
			}
			if d := dot(u, v); math.Abs(d-want) > 1e-9 {
				t.Errorf("components %d·%d = %g, want %g", a, b, d, want)
			}
		}
	}
	res, _ := m.Residual(x[0])
	yc := make([]float64, len(res))
	for j := range yc {
		yc[j] = res[j] * w[j]
	}
	for c, v := range m.Components {
		if d := dot(yc, v); math.Abs(d) > 1e-9 {
			t.Errorf("residual not orthogonal to component %d: %g", c, d)
		}
	}
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// TestHeldOutMatchesRefit checks the Gram-space cross-validation against an
// explicit refit of the PCA on each fold's training samples.
func TestHeldOutMatchesRefit(t *testing.T) {
	n, p := 24, 300
	x := lowRank(n, p, []float64{4, 2, 1}, 2)
	r := rand.New(rand.NewPCG(3, 3))
	w := make([]float64, p)
	for j := range w {
		w[j] = 0.5 + r.Float64()
	}
	fun := make([][]float64, 2) // two functionals over the columns
	for q := range fun {
		fun[q] = make([]float64, p)
		for j := range fun[q] {
			fun[q][j] = r.NormFloat64()
		}
	}
	F := make([][]float64, n)
	for i := range F {
		F[i] = []float64{dot(fun[0], x[i]), dot(fun[1], x[i])}
	}
	y := Whiten(x, w)
	g := NewGram(y, 1)
	const nfold, kmax = 4, 3
	folds, err := g.Folds(nfold, kmax)
	if err != nil {
		t.Fatal(err)
	}
	held := HeldOut(folds, F, kmax)
	for _, f := range folds {
		var tx [][]float64
		for _, i := range f.Train {
			tx = append(tx, x[i])
		}
		ty := Whiten(tx, w)
		for k := 0; k <= kmax; k++ {
			m, err := FitPCA(ty, NewGram(ty, 1), w, k, 1)
			if err != nil {
				t.Fatal(err)
			}
			for _, i := range f.Test {
				res, _ := m.Residual(x[i])
				for q := range fun {
					want := dot(fun[q], res)
					if got := held[i][q][k]; math.Abs(got-want) > 1e-8*(1+math.Abs(want)) {
						t.Fatalf("sample %d functional %d k=%d: held-out %g, refit %g", i, q, k, got, want)
					}
				}
			}
		}
	}
}

// TestChooseK: with three strong components, the chromosome-like block
// sums are noisiest at k < 3 and flat beyond, so the one-SE rule picks 3.
func TestChooseK(t *testing.T) {
	n, p := 60, 2200
	x := lowRank(n, p, []float64{6, 4, 3}, 4)
	w := ones(p)
	// 22 block-mean functionals, like chromosomes.
	F := make([][]float64, n)
	for i := range F {
		F[i] = make([]float64, 22)
		for j, v := range x[i] {
			F[i][j/100] += v / 100
		}
	}
	y := Whiten(x, w)
	folds, err := NewGram(y, 1).Folds(10, 10)
	if err != nil {
		t.Fatal(err)
	}
	k, crit := ChooseK(HeldOut(folds, F, 10), 10, nil)
	if k != 3 {
		t.Errorf("chose k = %d, want 3 (criterion %v)", k, crit)
	}
}

func TestKDTreeMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	const n, dim, k = 500, 4, 7
	pts := make([]float64, n*dim)
	for i := range pts {
		pts[i] = r.NormFloat64()
	}
	tree := newKDTree(pts, dim)
	var h maxHeap
	for q := 0; q < 50; q++ {
		qp := pts[q*dim : (q+1)*dim]
		label := make([]int, n)
		for i := range label {
			label[i] = i % 3
		}
		ok := func(i int) bool { return label[i] != q%3 }
		got := tree.knn(qp, k, label, q%3, &h)
		// brute force
		var all []neighbour
		for i := 0; i < n; i++ {
			if !ok(i) {
				continue
			}
			var d float64
			for j := 0; j < dim; j++ {
				x := pts[i*dim+j] - qp[j]
				d += x * x
			}
			all = append(all, neighbour{i, d})
		}
		for a := 0; a < k; a++ {
			best := a
			for b := a + 1; b < len(all); b++ {
				if all[b].d < all[best].d {
					best = b
				}
			}
			all[a], all[best] = all[best], all[a]
			if got[a].i != all[a].i {
				t.Fatalf("query %d rank %d: tree %v, brute %v", q, a, got[a], all[a])
			}
		}
	}
}

func TestRefBinsOtherChromosome(t *testing.T) {
	n, p := 20, 300
	x := lowRank(n, p, []float64{3}, 6)
	r := mat.NewDense(n, p, nil)
	for i := range x {
		r.SetRow(i, x[i])
	}
	chrom := make([]int, p)
	for j := range chrom {
		chrom[j] = j / 30 // 10 "chromosomes"
	}
	ref, err := RefBins(r, chrom, RefBinsOptions{K: 10, Dim: 4, Exclude: []int{9}, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	for j, ids := range ref {
		if len(ids) != 10 {
			t.Fatalf("bin %d has %d reference bins", j, len(ids))
		}
		for _, i := range ids {
			if chrom[i] == chrom[j] || chrom[i] == 9 {
				t.Fatalf("bin %d (chrom %d) got reference bin %d on chrom %d", j, chrom[j], i, chrom[i])
			}
		}
	}
}
