package tmpbench

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/nipt/nipt/internal/bam/bgzf"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
)

func TestCountsInflate(t *testing.T) {
	l, _ := genome.NewLayout(genome.GRCh38, 10000)
	c := counts.New(l, true)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range c.Reads {
		c.Reads[i] = uint32(rng.IntN(200))
		c.Short[i] = uint32(rng.IntN(int(c.Reads[i]) + 1))
	}
	var buf bytes.Buffer
	counts.Write(&buf, c, 2)
	b := buf.Bytes()
	type blk struct {
		c    []byte
		size int
	}
	var blocks []blk
	for len(b) > 18 {
		xlen := int(binary.LittleEndian.Uint16(b[10:]))
		bsize := int(binary.LittleEndian.Uint16(b[16:])) + 1
		blocks = append(blocks, blk{b[12+xlen : bsize-8], int(binary.LittleEndian.Uint32(b[bsize-4:]))})
		b = b[bsize:]
	}
	dst := make([]byte, 65536)
	for _, x := range []struct {
		name string
		inf  bgzf.Inflater
	}{{"flate", bgzf.NewGoInflater()}, {"nipt", bgzf.NewFastInflater()}, {"default", bgzf.NewInflater()}} {
		c0 := cpu()
		total := 0
		for range 10 {
			for _, bl := range blocks {
				if err := x.inf.Inflate(dst[:bl.size], bl.c); err != nil {
					t.Fatal(err)
				}
				total += bl.size
			}
		}
		t.Logf("%-8s %.0f MB/s CPU, %d blocks", x.name, float64(total)/(cpu()-c0).Seconds()/1e6, len(blocks))
	}
}
