package genome

import (
	"strings"
	"testing"
)

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

func TestLayoutFor(t *testing.T) {
	good := GRCh37.Contigs()
	if l, err := LayoutFor("hg19", good, 50_000); err != nil || l.Build != GRCh37 || l.BinSize != 50_000 {
		t.Fatalf("LayoutFor: %v, %v", l, err)
	}
	wrongLen := GRCh37.Contigs()
	wrongLen[20].Length = GRCh38.Lengths[20]
	for _, tc := range []struct {
		name, build string
		contigs     []Contig
		binSize     int
		want        string
	}{
		{"unknown build", "mm10", good, 50_000, "mm10"},
		{"too few contigs", "GRCh37", good[:23], 50_000, "23 contigs"},
		{"wrong length", "GRCh37", wrongLen, 50_000, "chr21"},
		{"bad bin size", "GRCh37", good, 10, "bin size"},
	} {
		if _, err := LayoutFor(tc.build, tc.contigs, tc.binSize); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
}

func TestBinOutOfRange(t *testing.T) {
	l, err := NewLayout(GRCh38, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []int{-1, NumChroms} {
		if got := l.Bin(c, 0); got != -1 {
			t.Errorf("Bin(%d, 0) = %d, want -1", c, got)
		}
	}
}
