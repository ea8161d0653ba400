package simulate

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/nipt/nipt/internal/count"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/simulate/bamwrite"
)

// Realised are the values actually drawn for a sample.
type Realised struct {
	File string `json:"file"`
	// Fragments is the number of primary reads (single-end) or read pairs
	// drawn, duplicates and unmapped ones included: the realisation of Reads.
	Fragments int64 `json:"reads_realised"`
	// Kept is what nipt count keeps with its default filters in chr1–22, X, Y.
	Kept int64 `json:"kept"`
	// FetalFracKept is the fetal share of the kept autosomal reads.
	FetalFracKept float64 `json:"fetal_frac_kept"`
	// Records is the number of BAM records (both mates, secondary and
	// supplementary included).
	Records int64 `json:"records"`
}

// tally accumulates per-sample totals while bins are drawn.
type tally struct {
	fragments, records       int64
	keptAuto, fetalAuto      int64
	unmapped, sec, supp      int64
	qcfail, dupFlag, lowMapQ int64
	other                    map[string]int64
	hist                     []int64 // kept fragments, chr1–22, X, Y
	histAuto                 []int64 // kept fragments, chr1–22
}

// run draws every bin of sample s. It fills c (the counts nipt count would
// produce) and, when em is not nil, emits the BAM records.
func (ls *Landscape) run(ctx context.Context, s *Sample, c *counts.Counts, w *bamwrite.Writer, o BAMOptions) (*tally, error) {
	p := &ls.Params
	l := ls.Layout
	extras := extraContigs(l.Build)
	lens := make([]int, len(extras))
	for i, x := range extras {
		lens[i] = x.Len
	}
	e := ls.expect(s, lens)
	pl := newPlanner(p, s.Paired, e.size)
	var em *emitter
	if w != nil {
		em = newEmitter(w, pl, s.Paired, o.Seq, o.TagOrigin)
	}
	t := &tally{other: map[string]int64{}}
	if s.Paired {
		t.hist = make([]int64, p.Count.MaxFragment+1)
		t.histAuto = make([]int64, p.Count.MaxFragment+1)
	}
	mates := int64(1)
	if s.Paired {
		mates = 2
	}
	var bp binPlan
	var ex extraPlan
	var in binInput
	doBin := func(rp, rx, rd *rand.Rand, global int, name string) {
		pl.plan(rp, &in, &bp)
		pl.extras(rx, &in, &bp, &ex)
		reads, short, fetal := bp.counted(p.MarkDuplicates)
		if global >= 0 {
			c.Reads[global] = uint32(reads)
			if c.Short != nil {
				c.Short[global] = uint32(short)
			}
			if in.autosome {
				t.keptAuto += int64(reads)
				t.fetalAuto += int64(fetal)
			}
		} else if reads > 0 {
			t.other[name] += int64(reads)
		}
		if t.hist != nil && global >= 0 {
			t.addLengths(&bp, p.MarkDuplicates, in.autosome)
		}
		// nipt count checks MAPQ before the duplicate flag, so duplicates
		// of low-MAPQ reads count as low_mapq.
		var passDup, lowq int64
		for o := range 2 {
			passDup += int64(bp.dup[o][0] + bp.dup[o][1])
			lowq += int64(ex.lowq[o] + ex.lowqDup[o])
			t.qcfail += int64(ex.qcfail[o])
			t.fragments += int64(bp.pass[o][0] + bp.pass[o][1] + ex.qcfail[o])
		}
		t.fragments += passDup + lowq
		t.sec += int64(ex.sec)
		t.supp += int64(ex.supp)
		t.lowMapQ += lowq
		if p.MarkDuplicates {
			t.dupFlag += passDup
		}
		if em != nil {
			em.bin(rd, &in, &bp, &ex)
		}
	}
	for ch := range genome.NumChroms {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rp, rx, rd := ls.streams(s.Seed, ch)
		if em != nil {
			em.startContig(ch)
		}
		for i := l.Offset[ch]; i < l.Offset[ch+1]; i++ {
			_, st, en := l.Locate(i)
			in = binInput{contig: ch, start: st, end: en, chromLen: l.Build.Lengths[ch],
				mu: [2]float64{e.muM[i], e.muF[i]}, mapp: ls.mapp[i], gc: ls.gc[i], autosome: ch < genome.ChrX, shape: ls.shape}
			if ls.Ann.Blacklist[i] {
				in.shape = ls.shapeBL
			}
			doBin(rp, rx, rd, i, "")
		}
		if em != nil {
			em.endContig(rd)
		}
	}
	for j, x := range extras {
		hc := genome.NumChroms + j
		rp, rx, rd := ls.streams(s.Seed, hc)
		if em != nil {
			em.startContig(hc)
		}
		for st := 0; st < x.Len; st += l.BinSize {
			en := min(st+l.BinSize, x.Len)
			mu := 0.0
			if x.Len-st >= maxFragment {
				mu = e.extra[j] * float64(en-st) / float64(x.Len)
			}
			in = binInput{contig: hc, start: st, end: en, chromLen: x.Len, mu: [2]float64{mu, 0}, mapp: x.Map, gc: p.GC.Center, shape: ls.shape}
			doBin(rp, rx, rd, -1, x.Name)
		}
		if em != nil {
			em.endContig(rd)
		}
	}
	ru := newRand(s.Seed, streamUnmap)
	t.unmapped = int64(poisson(ru, e.unmapped))
	t.fragments += t.unmapped
	t.records = t.fragments*mates + t.sec + t.supp
	if em != nil {
		em.unmapped(ru, t.unmapped)
		if em.err != nil {
			return nil, em.err
		}
	}
	return t, nil
}

// streams returns the plan, extra and detail generators of a header contig.
func (ls *Landscape) streams(seed uint64, contig int) (rp, rx, rd *rand.Rand) {
	return newRand(seed, streamPlan, uint64(contig)), newRand(seed, streamExtra, uint64(contig)), newRand(seed, streamDetail, uint64(contig))
}

// fillQC completes the counts header from the tally with nipt count's
// record-level drop reasons (internal/count, reasons.go), in its order:
// unmapped, secondary, supplementary and QC-fail records first (both mates
// of a pair); then, for pairs, every read-2 record ("mate": the fragment is
// decided at read 1); then read 1 or the single read by MAPQ ("low_mapq"),
// duplicate flag ("duplicate") and contig ("other_contig"). Every reason of
// count.Reasons is written, zeros included, as nipt count does; the ones
// the simulator never produces (half-mapped, discordant, improper or
// over-long pairs, positions past a chromosome end) stay 0.
func (t *tally) fillQC(c *counts.Counts, paired bool) {
	mates := int64(1)
	if paired {
		mates = 2
	}
	q := &c.Header.QC
	c.FillChromReads()
	q.Records = t.records
	var other int64
	for _, v := range t.other {
		other += v
	}
	q.Dropped = make(map[string]int64, len(count.Reasons))
	for _, k := range count.Reasons {
		q.Dropped[k] = 0
	}
	q.Dropped["unmapped"] = t.unmapped * mates
	q.Dropped["secondary"] = t.sec
	q.Dropped["supplementary"] = t.supp
	q.Dropped["qcfail"] = t.qcfail * mates
	q.Dropped["low_mapq"] = t.lowMapQ
	q.Dropped["duplicate"] = t.dupFlag
	q.Dropped["other_contig"] = other
	if paired {
		// One read-2 record per mapped, non-QC-fail pair.
		q.Dropped["mate"] = t.fragments - t.unmapped - t.qcfail
	}
	q.OtherContigs = t.other
	// nipt count's denominator: duplicates plus the records that passed
	// every filter before the contig check (kept, other_contig and
	// out_of_range, the last always 0 here).
	if considered := t.dupFlag + q.Kept + other; considered > 0 {
		q.DuplicateRate = float64(t.dupFlag) / float64(considered)
	}
	q.FragmentHistogram = t.hist
	q.FragmentHistogramAutosomes = t.histAuto
}

// addLengths adds the kept fragments of a bin of chr1–22, X or Y to the
// histograms (unflagged duplicates are kept by nipt count, so they count).
func (t *tally) addLengths(bp *binPlan, markDup, autosome bool) {
	add := func(L int32) {
		t.hist[L]++
		if autosome {
			t.histAuto[L]++
		}
	}
	for _, L := range bp.lens {
		add(L)
	}
	if !markDup {
		for _, k := range bp.dupOf {
			add(bp.lens[k])
		}
	}
}

// realised summarises the tally.
func (t *tally) realised(file string, kept int64) Realised {
	r := Realised{File: file, Fragments: t.fragments, Kept: kept, Records: t.records}
	if t.keptAuto > 0 {
		r.FetalFracKept = float64(t.fetalAuto) / float64(t.keptAuto)
	}
	return r
}

// newCounts returns an empty counts record for sample s with the header
// nipt count would write with its default filters.
func (ls *Landscape) newCounts(s *Sample, command, version string) *counts.Counts {
	p := &ls.Params
	c := counts.New(ls.Layout, s.Paired)
	c.Header.Sample = s.ID
	// The BAM's @RG PU is the batch (WriteBAM): the run nipt count reads
	// from it.
	c.Header.Runs = count.RunsFromUnits([]string{clean(s.Batch)})
	c.Header.Tool = counts.Tool{Name: "nipt", Version: version, Command: command}
	c.Header.Input = counts.Input{Name: s.ID, Format: "simulated"}
	c.Header.Filters = counts.Filters{MinMAPQ: p.Count.MinMAPQ, Dedup: "flag", ShortFragmentMax: p.Count.ShortFragmentMax, MaxFragment: p.Count.MaxFragment}
	return c
}

// Counts simulates sample s in counts mode: the per-bin counts that nipt
// count with default filters would produce from the BAM of the same sample
// and seed, without generating reads.
func (ls *Landscape) Counts(ctx context.Context, s *Sample, command, version string) (*counts.Counts, Realised, error) {
	if err := s.Validate(); err != nil {
		return nil, Realised{}, err
	}
	c := ls.newCounts(s, command, version)
	t, err := ls.run(ctx, s, c, nil, BAMOptions{})
	if err != nil {
		return nil, Realised{}, fmt.Errorf("simulating %s: %w", s.ID, err)
	}
	t.fillQC(c, s.Paired)
	return c, t.realised("", c.Header.QC.Kept), nil
}
