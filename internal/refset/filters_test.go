package refset

import (
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/refset/synth"
)

// A reference records the read filters its samples were counted with,
// refuses samples counted differently, and a test sample counted
// differently is refused with the options to recount it with.
func TestReadFilters(t *testing.T) {
	f := fixtureT(t)
	want := f.Counts[0].Header.Filters
	if f.Ref.Filters == nil || *f.Ref.Filters != want {
		t.Fatalf("reference filters %+v, samples counted with %+v", f.Ref.Filters, want)
	}
	// Build: one sample counted with another MAPQ threshold.
	ps := prepare(t, f.Static, &synth.Cohort{Counts: f.Counts[:24]})
	odd := *ps[7]
	of := *odd.Filters
	of.MinMAPQ = 30
	odd.Filters = &of
	ps[7] = &odd
	opt := FixtureOptions()
	opt.MinSamples = 10
	_, err := Fit(f.Static, ps, opt)
	if err == nil || !strings.Contains(err.Error(), odd.ID) || !strings.Contains(err.Error(), "--min-mapq") {
		t.Errorf("mixed filters: %v", err)
	}
	// Analysis: another short-fragment cut-off, another dedup mode.
	c := *f.Counts[0]
	c.Header.Filters.ShortFragmentMax = 140
	c.Header.Filters.Dedup = "none"
	err = f.Ref.CheckCounts(&c)
	if err == nil || !strings.Contains(err.Error(), "--short-max 150 (not 140)") || !strings.Contains(err.Error(), "--dedup flag (not none)") {
		t.Errorf("test sample with other filters: %v", err)
	}
	// A single-end sample is not held to the paired-end filters.
	se := *f.Counts[0]
	se.Header.Paired = false
	se.Header.Filters = counts.Filters{MinMAPQ: want.MinMAPQ, Dedup: want.Dedup}
	if err := f.Ref.CheckCounts(&se); err != nil {
		t.Errorf("single-end sample: %v", err)
	}
	if err := f.Ref.CheckCounts(f.Counts[1]); err != nil {
		t.Errorf("sample counted like the reference: %v", err)
	}
}
