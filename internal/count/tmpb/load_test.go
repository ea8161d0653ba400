package tmpb

import (
	"bytes"
	"math/rand/v2"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nipt/nipt/internal/count/tmpb/old"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
)

func cpu() time.Duration {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}

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
	for round := 0; round < 2; round++ {
		for _, x := range []struct {
			name string
			f    func() error
		}{
			{"old", func() error { _, err := old.Read(bytes.NewReader(buf.Bytes())); return err }},
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
			// 40 files on 2 goroutines, as a cohort loader would.
			w0 = time.Now()
			var wg sync.WaitGroup
			for range 2 {
				wg.Go(func() {
					for range 20 {
						x.f()
					}
				})
			}
			wg.Wait()
			t.Logf("%s: %v wall per file, 2 files at a time", x.name, time.Since(w0)/40)
		}
	}
}
