package genome

import "testing"

func TestLayout(t *testing.T) {
	l, err := NewLayout(GRCh38, 10000)
	if err != nil {
		t.Fatal(err)
	}
	// Bin counts agree with the ichorCNA hg38 10 kb tables (24896 bins on chr1).
	if got := l.ChromBins(0); got != 24896 {
		t.Errorf("chr1 bins = %d, want 24896", got)
	}
	if got := l.ChromBins(20); got != 4671 {
		t.Errorf("chr21 bins = %d, want 4671", got)
	}
	for _, i := range []int{0, 1, 24895, 24896, l.NumBins() - 1, l.Offset[ChrX] + 7} {
		c, s, e := l.Locate(i)
		if l.Bin(c, s) != i || l.Bin(c, e-1) != i {
			t.Errorf("Locate(%d) = %d:%d-%d does not round-trip", i, c, s, e)
		}
	}
	if _, _, e := l.Locate(l.NumBins() - 1); e != GRCh38.Lengths[ChrY] {
		t.Errorf("last bin end %d, want chrY length", e)
	}
	if l.Bin(0, -1) != -1 || l.Bin(0, GRCh38.Lengths[0]) != -1 {
		t.Error("out-of-range positions not rejected")
	}
}

func TestCoarsenMerge(t *testing.T) {
	fine, _ := NewLayout(GRCh37, 10000)
	coarse, k, err := fine.Coarsen(100000)
	if err != nil || k != 10 {
		t.Fatal(k, err)
	}
	v := make([]int64, fine.NumBins())
	for i := range v {
		v[i] = 1
	}
	m := Merge(fine, coarse, k, v)
	var tot int64
	for c := 0; c < NumChroms; c++ {
		var s int64
		for i := coarse.Offset[c]; i < coarse.Offset[c+1]; i++ {
			s += m[i]
		}
		if s != int64(fine.ChromBins(c)) {
			t.Errorf("chrom %d: merged %d, want %d", c, s, fine.ChromBins(c))
		}
		tot += s
	}
	if tot != int64(fine.NumBins()) {
		t.Error("merge lost bins")
	}
	if _, _, err := fine.Coarsen(15000); err == nil {
		t.Error("non-multiple accepted")
	}
}
