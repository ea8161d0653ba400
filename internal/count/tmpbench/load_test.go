package tmpbench

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nipt/nipt/internal/count/tmpbench/oldcounts"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
)

func TestLoadSpeed(t *testing.T) {
	l, _ := genome.NewLayout(genome.GRCh38, 10000)
	c := counts.New(l, true)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range c.Reads {
		c.Reads[i] = uint32(rng.IntN(200))
		c.Short[i] = uint32(rng.IntN(int(c.Reads[i]) + 1))
	}
	c.Header.Sample = "S"
	c.FillChromReads()
	var buf bytes.Buffer
	if err := counts.Write(&buf, c, 2); err != nil {
		t.Fatal(err)
	}
	t.Logf("file %d bytes", buf.Len())
	for _, x := range []struct {
		name string
		f    func() error
	}{
		{"old", func() error { _, err := oldcounts.Read(bytes.NewReader(buf.Bytes())); return err }},
		{"new", func() error { _, err := counts.Read(bytes.NewReader(buf.Bytes())); return err }},
	} {
		c0, w0 := cpu(), time.Now()
		const n = 20
		for range n {
			if err := x.f(); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("%s: %v CPU, %v wall per file", x.name, (cpu()-c0)/n, time.Since(w0)/n)
	}
}
