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
