package tmpbench

import (
	"bytes"
	"compress/flate"
	"context"
	"os"
	"testing"
	"time"

	hbgzf "github.com/biogo/hts/bgzf"
	"github.com/nipt/nipt/internal/count"
	"github.com/nipt/nipt/internal/counts"
)

func TestTiming(t *testing.T) {
	f, _ := os.Open("/tmp/h1/s.bam")
	defer f.Close()
	o := count.DefaultOptions()
	o.Threads = 2
	c, err := count.Count(context.Background(), f, "s.bam", o)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	counts.Write(&buf, c, 1)
	zr := hbgzf.NewReader
	_ = zr
	raw := new(bytes.Buffer)
	{
		r, _ := hbgzf.NewReader(bytes.NewReader(buf.Bytes()), 1)
		raw.ReadFrom(r)
	}
	for _, level := range []int{flate.DefaultCompression, 1, 2, 3, 4} {
		var out bytes.Buffer
		t0 := time.Now()
		w, _ := hbgzf.NewWriterLevel(&out, level, 1)
		w.Write(raw.Bytes())
		w.Close()
		t.Logf("level %d: %v, %d bytes", level, time.Since(t0), out.Len())
		t0 = time.Now()
		for range 5 {
			if _, err := counts.Read(bytes.NewReader(out.Bytes())); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("   read %v", time.Since(t0)/5)
	}
}
