package tmpbench

import (
	"encoding/binary"
	"os"
	"testing"

	"github.com/nipt/nipt/internal/bam/bgzf"
)

func TestInflateRealBlocks(t *testing.T) {
	b, err := os.ReadFile("/tmp/nb/bench-1000000-1.bam")
	if err != nil {
		t.Skip()
	}
	b = b[:20<<20]
	type blk struct {
		c    []byte
		size int
	}
	var blocks []blk
	for len(b) > 18 {
		xlen := int(binary.LittleEndian.Uint16(b[10:]))
		bsize := int(binary.LittleEndian.Uint16(b[16:])) + 1
		if bsize > len(b) {
			break
		}
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
		for range 3 {
			for _, bl := range blocks {
				if err := x.inf.Inflate(dst[:bl.size], bl.c); err != nil {
					t.Fatal(err)
				}
				total += bl.size
			}
		}
		c := cpu() - c0
		t.Logf("%-8s %.0f MB/s (CPU time), %d blocks", x.name, float64(total)/c.Seconds()/1e6, len(blocks))
	}
}
