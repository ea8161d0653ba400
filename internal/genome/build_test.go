package genome

import (
	"strings"
	"testing"
)

func TestChromIndex(t *testing.T) {
	for _, tc := range []struct {
		name string
		idx  int
		ok   bool
	}{
		{"chr1", 0, true}, {"1", 0, true}, {"chr22", 21, true}, {"X", ChrX, true},
		{"chrY", ChrY, true}, {"chrM", 0, false}, {"MT", 0, false}, {"chr23", 0, false},
		{"chr01", 0, false}, {"chr1_KI270706v1_random", 0, false}, {"", 0, false}, {"chr", 0, false},
	} {
		idx, ok := ChromIndex(tc.name)
		if ok != tc.ok || (ok && idx != tc.idx) {
			t.Errorf("ChromIndex(%q) = %d, %v; want %d, %v", tc.name, idx, ok, tc.idx, tc.ok)
		}
	}
	for i := 0; i < NumChroms; i++ {
		if j, ok := ChromIndex(ChromName(i)); !ok || j != i {
			t.Errorf("round trip of %d failed", i)
		}
	}
}

func contigsOf(b *Build, prefix bool, withY bool) []Contig {
	var cs []Contig
	for i := 0; i < NumChroms; i++ {
		if i == ChrY && !withY {
			continue
		}
		n := ChromName(i)
		if !prefix {
			n = strings.TrimPrefix(n, "chr")
		}
		cs = append(cs, Contig{n, b.Lengths[i]})
	}
	return append(cs, Contig{"chrM", 16569}, Contig{"chrUn_xyz", 1000})
}

func TestDetect(t *testing.T) {
	for _, b := range Builds {
		for _, prefix := range []bool{true, false} {
			for _, y := range []bool{true, false} {
				m, err := Detect(contigsOf(b, prefix, y))
				if err != nil {
					t.Fatalf("%s prefix=%v: %v", b.Name, prefix, err)
				}
				if m.Build != b || m.HasY != y {
					t.Errorf("%s: detected %s hasY=%v", b.Name, m.Build.Name, m.HasY)
				}
				if m.Index[0] != 0 || m.Index[len(m.Index)-1] != -1 {
					t.Errorf("bad index mapping %v", m.Index)
				}
			}
		}
	}
}

func TestDetectMismatch(t *testing.T) {
	cs := contigsOf(GRCh38, true, true)
	cs[20].Length = GRCh37.Lengths[20] // chr21 from hg19
	if _, err := Detect(cs); err == nil || !strings.Contains(err.Error(), "chr21") {
		t.Errorf("want chr21 mismatch error, got %v", err)
	}
	if _, err := Detect([]Contig{{"contig1", 5000}}); err == nil {
		t.Error("non-human contigs accepted")
	}
	cs = contigsOf(GRCh38, true, true)
	cs = append(cs[:3], cs[4:]...) // drop chr4
	if _, err := Detect(cs); err == nil || !strings.Contains(err.Error(), "chr4 missing") {
		t.Errorf("want chr4 missing, got %v", err)
	}
}

func TestLookupBuild(t *testing.T) {
	for name, want := range map[string]*Build{"hg38": GRCh38, "GRCh37": GRCh37, "hs1": CHM13, "HG19": GRCh37} {
		if b, err := LookupBuild(name); err != nil || b != want {
			t.Errorf("LookupBuild(%q) = %v, %v", name, b, err)
		}
	}
	if _, err := LookupBuild("mm10"); err == nil {
		t.Error("mm10 accepted")
	}
}

// TestPARs checks the pseudoautosomal regions against two independent facts:
// in the GRC builds PAR1 and PAR2 have the same length on chrX and chrY (the
// sequence is shared) and PAR2 ends at the 10 kb telomere gap; in CHM13 v2.0
// (no gaps) PAR2 runs to the chromosome end.
func TestPARs(t *testing.T) {
	for _, b := range Builds {
		x, y := b.PARs()
		for i, end := range [2]int{ChrX, ChrY} {
			par := [2][2]Interval{x, y}[i]
			if !(0 <= par[0].Start && par[0].Start < par[0].End && par[0].End < par[1].Start && par[1].Start < par[1].End) {
				t.Errorf("%s %s: PARs %v not ordered", b.Name, ChromName(end), par)
			}
			gap := 10_000
			if b == CHM13 {
				gap = 0
			}
			if got := b.Lengths[end] - par[1].End; got != gap {
				t.Errorf("%s %s: PAR2 ends %d b before the chromosome end, want %d", b.Name, ChromName(end), got, gap)
			}
		}
		if b != CHM13 {
			for i := range x {
				if x[i].End-x[i].Start != y[i].End-y[i].Start {
					t.Errorf("%s PAR%d: chrX %v and chrY %v differ in length", b.Name, i+1, x[i], y[i])
				}
			}
		}
	}
	if x, y := (&Build{Name: "other"}).PARs(); x != [2]Interval{} || y != [2]Interval{} {
		t.Errorf("unknown build has PARs %v %v", x, y)
	}
}
