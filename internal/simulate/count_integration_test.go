package simulate

import (
	"context"
	"maps"
	"os"
	"slices"
	"testing"

	"github.com/nipt/nipt/internal/count"
)

// TestNiptCountEquality counts simulated BAMs with nipt count's engine
// (internal/count, default options) and requires the counts and the QC
// block to equal what counts mode writes for the same sample and seed.
func TestNiptCountEquality(t *testing.T) {
	t.Parallel()
	ls := testLandscape(t, 100_000)
	for _, tc := range []struct {
		name    string
		paired  bool
		markDup bool
	}{
		{"single", false, true},
		{"paired", true, true},
		{"paired-unflagged", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ls2 := *ls
			ls2.Params.MarkDuplicates = tc.markDup
			s := sample(t, &ls2, Sample{ID: "eq-" + tc.name, Paired: tc.paired, FF: 0.1, FetalSex: Male, Reads: 100_000}, 17)
			path, _, _ := writeBAM(t, &ls2, s, BAMOptions{Seq: true})
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			opt := count.DefaultOptions()
			opt.BinSize = ls.Layout.BinSize
			got, err := count.Count(context.Background(), f, path, opt)
			if err != nil {
				t.Fatal(err)
			}
			want := countsOf(t, &ls2, s)
			if !slices.Equal(got.Reads, want.Reads) || !slices.Equal(got.Short, want.Short) {
				t.Error("bin counts differ from counts mode")
			}
			g, w := got.Header, want.Header
			if g.Sample != w.Sample || g.Paired != w.Paired || g.Filters != w.Filters {
				t.Errorf("header: got %+v / %+v, want %+v / %+v", g.Sample, g.Filters, w.Sample, w.Filters)
			}
			if g.QC.Records != w.QC.Records || g.QC.Kept != w.QC.Kept || g.QC.DuplicateRate != w.QC.DuplicateRate {
				t.Errorf("QC records/kept/duprate: got %d %d %v, want %d %d %v", g.QC.Records, g.QC.Kept, g.QC.DuplicateRate, w.QC.Records, w.QC.Kept, w.QC.DuplicateRate)
			}
			nz := func(m map[string]int64) map[string]int64 {
				out := map[string]int64{}
				for k, v := range m {
					if v != 0 {
						out[k] = v
					}
				}
				return out
			}
			if !maps.Equal(nz(g.QC.Dropped), nz(w.QC.Dropped)) {
				t.Errorf("dropped: got %v, want %v", nz(g.QC.Dropped), nz(w.QC.Dropped))
			}
			if !maps.Equal(g.QC.OtherContigs, w.QC.OtherContigs) || !maps.Equal(g.QC.ChromReads, w.QC.ChromReads) {
				t.Errorf("other contigs got %v want %v", g.QC.OtherContigs, w.QC.OtherContigs)
			}
			if !slices.Equal(g.QC.FragmentHistogram, w.QC.FragmentHistogram) {
				t.Error("fragment histograms differ")
			}
		})
	}
}
