package count

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/biogo/hts/bam"
	"github.com/biogo/hts/sam"
	nbam "github.com/nipt/nipt/internal/bam"
	"github.com/nipt/nipt/internal/bam/bamtest"
	"github.com/nipt/nipt/internal/bam/bgzf"
	"github.com/nipt/nipt/internal/genome"
)

// benchBAM is a sorted paired-end BAM of 100,000 fragments of 2×150 bp
// with bases and qualities, so that its compressed size per record is that
// of a real file (~60–80 bytes).
func benchBAM(b *testing.B) ([]byte, int) {
	h := bamtest.Header(b, genome.GRCh38, bamtest.HeaderOptions{Samples: []string{"B"}, SortOrder: "coordinate"})
	rng := rand.New(rand.NewPCG(1, 1))
	const pairs = 100_000
	var buf bytes.Buffer
	w, err := bam.NewWriter(&buf, h, 2)
	if err != nil {
		b.Fatal(err)
	}
	refs := h.Refs()
	cigar := []sam.CigarOp{sam.NewCigarOp(sam.CigarMatch, 150)}
	seq := make([]byte, 150)
	qual := make([]byte, 150)
	pos, ref := 10_000, 0
	for i := range pairs {
		pos += rng.IntN(30_000)
		if pos > refs[ref].Len()-1000 {
			ref, pos = ref+1, 10_000
		}
		length := 120 + rng.IntN(100)
		for j := range seq {
			seq[j] = "ACGT"[rng.IntN(4)]
			qual[j] = byte(20 + rng.IntN(20))
		}
		for mate := range 2 {
			p, mp, tlen, flag := pos, pos+length-150, length, sam.Paired|sam.ProperPair|sam.Read1|sam.MateReverse
			if mate == 1 {
				p, mp, tlen, flag = mp, p, -length, sam.Paired|sam.ProperPair|sam.Read2|sam.Reverse
			}
			r, err := sam.NewRecord(fmt.Sprintf("A00123:45:HXXXXX:1:1101:%d:%d", i, mate), refs[ref], refs[ref], p, mp, tlen, 60, cigar, seq, qual, nil)
			if err != nil {
				b.Fatal(err)
			}
			r.Flags = flag
			if err := w.Write(r); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes(), 2 * pairs
}

// BenchmarkCount measures the whole count of an in-memory BAM; records/s
// is the figure of merit (inflation dominates).
func BenchmarkCount(b *testing.B) {
	data, n := benchBAM(b)
	inflaters := map[string]func() bgzf.Inflater{"compress-flate": bgzf.NewGoInflater, "nipt": bgzf.NewFastInflater}
	if bgzf.InflaterName == "libdeflate" {
		inflaters[bgzf.InflaterName] = bgzf.NewInflater
	}
	for name, inf := range inflaters {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", name, threads), func(b *testing.B) {
				o := DefaultOptions()
				o.Threads, o.NewInflater = threads, inf
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					c, err := Count(context.Background(), bytes.NewReader(data), "b.bam", o)
					if err != nil || c.Header.QC.Records != int64(n) {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
			})
		}
	}
}

// BenchmarkCounterAdd is the per-record filter and binning cost alone.
func BenchmarkCounterAdd(b *testing.B) {
	opt := DefaultOptions()
	l, _ := genome.NewLayout(genome.GRCh38, opt.BinSize)
	c := newCounter(&opt, l, []int{0}, []genome.Contig{{Name: "chr1", Length: genome.GRCh38.Lengths[0]}})
	recs := make([]nbam.Record, 1024)
	rng := rand.New(rand.NewPCG(2, 2))
	for i := range recs {
		p := int32(rng.IntN(200_000_000))
		recs[i] = nbam.Record{Pos: p, MAPQ: 60, Flag: nbam.FlagPaired | nbam.FlagRead1 | nbam.FlagProperPair, NextPos: p + 100, TLen: 250}
	}
	i := 0
	for b.Loop() {
		c.add(&recs[i&1023])
		i++
	}
}
