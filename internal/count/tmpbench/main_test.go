package tmpbench

import (
	"bytes"
	"compress/flate"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/nipt/nipt/internal/bam/bgzf"
)

func cpu() time.Duration {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}

func TestInflateCPU(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	// BAM-like block: names, 150 random bases (4-bit packed), qualities 2..40.
	var raw bytes.Buffer
	for raw.Len() < 65000 {
		raw.WriteString("A00123:45:HXXXXX:1:1101:")
		for range 75 {
			raw.WriteByte(byte(rng.IntN(16)))
		}
		for range 150 {
			raw.WriteByte(byte(2 + rng.IntN(39)))
		}
	}
	data := raw.Bytes()[:65000]
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, 6)
	w.Write(data)
	w.Close()
	src := buf.Bytes()
	dst := make([]byte, len(data))
	for _, x := range []struct {
		name string
		inf  bgzf.Inflater
	}{{"flate", bgzf.NewGoInflater()}, {"nipt", bgzf.NewFastInflater()}, {"default", bgzf.NewInflater()}} {
		c0 := cpu()
		const n = 2000
		for range n {
			if err := x.inf.Inflate(dst, src); err != nil {
				t.Fatal(err)
			}
		}
		c := cpu() - c0
		t.Logf("%-8s %.0f MB/s (CPU time)", x.name, float64(n*len(data))/c.Seconds()/1e6)
	}
}
