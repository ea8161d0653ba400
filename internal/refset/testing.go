package refset

import (
	"fmt"
	"sync"

	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/refset/synth"
)

// Fixture is a small synthetic reference for tests of this and dependent
// packages: 40 euploid pregnancies (alternating fetal sex, FF 4–20%, 2 M
// paired-end reads) on a synthetic GRCh38 genome at 1 Mb bins, and the
// model to draw test samples from.
type Fixture struct {
	Model  *synth.Model
	Static *Static
	Ref    *Reference
	// Counts are the reference samples' counts, in Samples order.
	Samples []synth.Sample
	Counts  []*counts.Counts
}

// FixtureBinSize is the bin size of the fixture.
const FixtureBinSize = 1_000_000

var (
	fixtureOnce sync.Once
	fixture     *Fixture
	fixtureErr  error
)

// TestFixture builds (once per test binary) and returns the shared
// fixture. Callers must not modify it.
func TestFixture() (*Fixture, error) {
	fixtureOnce.Do(func() { fixture, fixtureErr = NewFixture(40, 2_000_000, 1) })
	return fixture, fixtureErr
}

// FixtureOptions are the build options of the fixture (1 Mb bins, reads
// threshold lowered for small synthetic samples).
func FixtureOptions() Options {
	opt := DefaultOptions()
	opt.BinSize = FixtureBinSize
	opt.MinReads = 100_000
	return opt
}

// NewFixture builds a fixture with n reference samples of the given depth.
func NewFixture(n, reads int, seed uint64) (*Fixture, error) {
	return NewFixtureAt(FixtureBinSize, n, reads, seed)
}

// NewFixtureAt builds a fixture at any bin size (benchmarks use 100 kb).
func NewFixtureAt(binSize, n, reads int, seed uint64) (*Fixture, error) {
	g, err := synth.NewGenome(binSize, seed)
	if err != nil {
		return nil, err
	}
	m := synth.NewModel(g, seed+1)
	samples := synth.EuploidSamples("ref", n, reads, true, seed+2)
	co := m.Draw(samples)
	st, err := NewStatic(g.Ann, binSize, nil)
	if err != nil {
		return nil, err
	}
	opt := FixtureOptions()
	opt.BinSize = binSize
	ps := make([]*SampleProfile, len(co.Counts))
	for i, c := range co.Counts {
		if ps[i], _, err = st.Prepare(c, opt.GC); err != nil {
			return nil, err
		}
	}
	ref, err := Fit(st, ps, opt)
	if err != nil {
		return nil, fmt.Errorf("fixture reference: %w", err)
	}
	return &Fixture{Model: m, Static: st, Ref: ref, Samples: samples, Counts: co.Counts}, nil
}
