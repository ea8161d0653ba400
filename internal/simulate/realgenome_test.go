package simulate

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/nipt/nipt/internal/annotation"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/sharedtest"
)

// TestRealHG38Annotation simulates on the real hg38 GC and mappability
// tables (1 Mb bins): gaps get no reads, read density follows mappability,
// and both sexes behave on chrY.
func TestRealHG38Annotation(t *testing.T) {
	d := sharedtest.HG38Dir(t)
	a, err := annotation.Make(annotation.Options{Build: genome.GRCh38, BinSize: 1_000_000,
		GCTrack: filepath.Join(d, "gc_hg38_1000kb.wig"), MapTrack: filepath.Join(d, "map_hg38_1000kb.wig")})
	if err != nil {
		t.Fatal(err)
	}
	ls, err := NewLandscape(a, Default(), 1)
	if err != nil {
		t.Fatal(err)
	}
	male := countsOf(t, ls, sample(t, ls, Sample{FF: 0.1, FetalSex: Male, Reads: 2_000_000, Paired: true}, 1))
	female := countsOf(t, ls, sample(t, ls, Sample{FF: 0.1, Reads: 2_000_000, Paired: true}, 1))
	var lowD, highD float64
	var lowN, highN int
	for i := 0; i < a.Layout.Offset[genome.ChrX]; i++ {
		if math.IsNaN(a.GC[i]) && male.Reads[i] != 0 {
			t.Errorf("gap bin %d has %d reads", i, male.Reads[i])
		}
		if ls.effLen[i] < 5e5 {
			continue
		}
		dens := float64(male.Reads[i]) / ls.effLen[i]
		switch m := ls.mapp[i]; {
		case m < 0.6:
			lowD += dens
			lowN++
		case m > 0.95:
			highD += dens
			highN++
		}
	}
	if lowN == 0 || highN == 0 || lowD/float64(lowN) > 0.85*highD/float64(highN) {
		t.Errorf("density in low-mappability bins %.4g (%d bins), high %.4g (%d bins)", lowD/float64(lowN), lowN, highD/float64(highN), highN)
	}
	my, fy := male.ChromTotals()[genome.ChrY], female.ChromTotals()[genome.ChrY]
	if fy == 0 || my < 5*fy {
		t.Errorf("chrY: male %d, female %d", my, fy)
	}
	t.Logf("hg38 tables, 2 M pairs: chrY kept male %d, female %d", my, fy)
}
