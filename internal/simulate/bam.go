package simulate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/nipt/nipt/internal/atomicfile"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/simulate/bamwrite"
)

// BAMOptions control BAM output.
type BAMOptions struct {
	Seq       bool // write random bases and qualities (realistic file size)
	TagOrigin bool // add XO:A:M / XO:A:F (maternal / fetal origin) to every read
	Threads   int  // BGZF compression goroutines
	Command   string
	Version   string
}

// header returns the BAM header of sample s: @SQ lines of the build's
// chromosomes and extra contigs, a read group named after the sample and
// batch, and the program line. It names no fetal attribute.
func (ls *Landscape) header(s *Sample, o BAMOptions) bamwrite.Header {
	var refs []bamwrite.Ref
	for _, c := range ls.Layout.Build.Contigs() {
		refs = append(refs, bamwrite.Ref{Name: c.Name, Len: c.Length})
	}
	for _, x := range extraContigs(ls.Layout.Build) {
		refs = append(refs, bamwrite.Ref{Name: x.Name, Len: x.Len})
	}
	var sb strings.Builder
	sb.WriteString("@HD\tVN:1.6\tSO:coordinate\n")
	for _, r := range refs {
		fmt.Fprintf(&sb, "@SQ\tSN:%s\tLN:%d\n", r.Name, r.Len)
	}
	fmt.Fprintf(&sb, "@RG\tID:%s\tSM:%s\tLB:%s\tPU:%s\tPL:ILLUMINA\n", s.ID, s.ID, s.ID, clean(s.Batch))
	fmt.Fprintf(&sb, "@PG\tID:nipt\tPN:nipt\tVN:%s\tCL:%s\n", clean(o.Version), clean(o.Command))
	fmt.Fprintf(&sb, "@CO\tsimulated by nipt simulate (build %s, landscape seed %d, sample seed %d)\n", ls.Layout.Build.Name, ls.Seed, s.Seed)
	return bamwrite.Header{Text: sb.String(), Refs: refs}
}

// clean removes characters that would break a SAM header line.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

// WriteBAM simulates sample s and writes a coordinate-sorted BAM to path and
// its index to path+".bai", both atomically. It returns what nipt count with
// default filters will count in the BAM (the same as Counts gives for the
// sample), and the realised values.
func (ls *Landscape) WriteBAM(ctx context.Context, s *Sample, path string, o BAMOptions) (*counts.Counts, Realised, error) {
	if err := s.Validate(); err != nil {
		return nil, Realised{}, err
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, Realised{}, err
	}
	defer f.Abort()
	w, err := bamwrite.NewWriter(f, ls.header(s, o), bamwrite.Options{Concurrency: o.Threads})
	if err != nil {
		return nil, Realised{}, fmt.Errorf("writing %s: %w", path, err)
	}
	c := ls.newCounts(s, o.Command, o.Version)
	t, err := ls.run(ctx, s, c, w, o)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, Realised{}, fmt.Errorf("writing %s: %w", path, err)
	}
	if w.Records() != t.records {
		return nil, Realised{}, fmt.Errorf("writing %s: internal error: %d records written, %d planned", path, w.Records(), t.records)
	}
	fi, err := atomicfile.Create(path + ".bai")
	if err != nil {
		return nil, Realised{}, err
	}
	defer fi.Abort()
	if err := w.WriteIndex(fi); err != nil {
		return nil, Realised{}, fmt.Errorf("writing %s.bai: %w", path, err)
	}
	if err := f.Commit(); err != nil {
		return nil, Realised{}, err
	}
	if err := fi.Commit(); err != nil {
		return nil, Realised{}, err
	}
	t.fillQC(c, s.Paired)
	return c, t.realised("", c.Header.QC.Kept), nil
}

// unmapped emits n unplaced unmapped reads (pairs) at the end of the file.
func (em *emitter) unmapped(r *rand.Rand, n int64) {
	em.contig = -1
	em.prefix = append(em.prefix[:0], 'u', '.')
	rec := &em.rec
	rec.Ref, rec.Pos, rec.MapQ, rec.MateRef, rec.MatePos, rec.TLen, rec.Cigar = -1, -1, 0, -1, -1, 0, nil
	rl := em.p.ReadLength
	em.rec.Aux = nil // origin unknown: no XO tag
	for i := range n {
		em.setName(i)
		if em.paired {
			for _, fl := range []uint16{flagPaired | flagUnmapped | flagMateUnmapped | flagRead1, flagPaired | flagUnmapped | flagMateUnmapped | flagRead2} {
				rec.Flag = fl
				em.setSeq(r, rl, em.p.GC.Center)
				em.write()
			}
		} else {
			rec.Flag = flagUnmapped
			em.setSeq(r, rl, em.p.GC.Center)
			em.write()
		}
	}
}
