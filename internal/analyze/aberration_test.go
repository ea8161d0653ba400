package analyze

import (
	"slices"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/refset/synth"
	"github.com/nipt/nipt/internal/result"
)

func metric(r *result.Result, name string) (result.Metric, bool) {
	for _, m := range r.QC.Metrics {
		if m.Name == name {
			return m, true
		}
	}
	return result.Metric{}, false
}

// TestAberrationPattern: a maternal tumour shedding 8% of the cfDNA with
// arm- and chromosome-scale gains and losses on four autosomes makes the
// sample warn (aberrant_autosomes) and lists those autosomes, whatever
// the individual calls made of them; a euploid pregnancy, and one whose
// fetus carries a trisomy and a deletion (two autosomes, the most a
// fetus plausibly has), pass. The euploid may carry a false CNV call (the
// fixture's 40-reference, 1 Mb-bin reference makes a few per hundred
// samples: seed 42 has one), which counts, but one does not make the pattern.
func TestAberrationPattern(t *testing.T) {
	f := fixture(t)
	opt := Options{Config: call.DefaultConfig()}
	l := f.Ref.Layout
	whole := func(c int, gain bool) synth.CNV {
		return synth.CNV{Chrom: c, Start: 0, End: l.Build.Lengths[c], Gain: gain, Tumour: 0.08}
	}
	arm := func(c int, gain bool) synth.CNV {
		n := l.Build.Lengths[c]
		return synth.CNV{Chrom: c, Start: n / 2, End: n, Gain: gain, Tumour: 0.08}
	}
	for _, tc := range []struct {
		name string
		s    synth.Sample
		want []string // aberrant autosomes that must be listed
		warn bool
	}{
		{"tumour", synth.Sample{ID: "tumour", FF: 0.10, Seed: 41, Trisomy: -1,
			CNVs: []synth.CNV{arm(0, true), arm(7, true), whole(15, false), whole(19, true)}},
			[]string{"chr1", "chr8", "chr16", "chr20"}, true},
		{"euploid", synth.Sample{ID: "eu", FF: 0.10, Seed: 42, Trisomy: -1}, []string{}, false},
		{"T21 and a fetal deletion", synth.Sample{ID: "t21del", FF: 0.15, Seed: 43, Trisomy: 20,
			CNVs: []synth.CNV{{Chrom: 4, Start: 40_000_000, End: 60_000_000}}}, []string{"chr5", "chr21"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Analyze(f.Ref, sample(f, tc.s), opt)
			if err != nil {
				t.Fatal(err)
			}
			exact := tc.warn // the tumour's list is exactly its four autosomes
			if exact && !slices.Equal(r.AberrantAutosomes, tc.want) || !exact && !subset(tc.want, r.AberrantAutosomes) {
				t.Errorf("aberrant autosomes %v, want %v (CNVs %+v)", r.AberrantAutosomes, tc.want, r.CNVs)
			}
			m, ok := metric(r, result.AberrationMetric)
			if !ok {
				t.Fatalf("no %s metric: %+v", result.AberrationMetric, r.QC.Metrics)
			}
			if int(m.Value) != len(r.AberrantAutosomes) {
				t.Errorf("metric %v, list %v", m.Value, r.AberrantAutosomes)
			}
			hasReason := slices.ContainsFunc(r.QC.Reasons, func(s string) bool {
				return strings.HasPrefix(s, result.AberrationMetric+" warn:")
			})
			if tc.warn {
				if m.Status != result.QCWarn || r.QC.Status == result.QCPass || !hasReason {
					t.Errorf("want a warning: metric %+v, QC %+v", m, r.QC)
				}
			} else if m.Status != result.QCPass || hasReason {
				t.Errorf("want a pass: metric %+v, QC %+v", m, r.QC)
			}
			for _, c := range r.AberrantAutosomes {
				if i, _ := genome.ChromIndex(c); i >= genome.ChrX {
					t.Errorf("sex chromosome %s counted", c)
				}
			}
		})
	}
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// TestApplyProfileQC: a lab profile's [qc.METRIC] thresholds replace the
// QC config's, the aberrant_autosomes warning among them, and leave the
// other thresholds as they were.
func TestApplyProfileQC(t *testing.T) {
	three, low := 3.0, 0.03
	p := disclosure.DefaultProfile()
	p.QC = []disclosure.QCOverride{{Metric: "aberrant_autosomes", Warn: &three}, {Metric: "fetal_fraction", Warn: &low}}
	def := call.DefaultConfig()
	cfg := ApplyProfileQC(def, p)
	if cfg.AberrantAutosomes.Warn == nil || *cfg.AberrantAutosomes.Warn != 3 || cfg.AberrantAutosomes.Fail != nil {
		t.Errorf("aberrant_autosomes %+v", cfg.AberrantAutosomes)
	}
	if *cfg.FetalFraction.Warn != 0.03 || *cfg.FetalFraction.Fail != *def.FetalFraction.Fail || *cfg.Reads.Warn != *def.Reads.Warn {
		t.Errorf("fetal_fraction %+v, reads %+v", cfg.FetalFraction, cfg.Reads)
	}
	q := call.AberrationQC(result.QC{Status: result.QCPass}, []string{"chr1", "chr2", "chr3"}, cfg)
	if q.Status != result.QCPass {
		t.Errorf("three autosomes under a warn threshold of 3: %+v", q)
	}
}
