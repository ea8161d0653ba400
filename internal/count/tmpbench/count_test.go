package tmpbench

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/nipt/nipt/internal/count"
)

func TestCountFile(t *testing.T) {
	f, err := os.Open("/tmp/nb/bench-1000000-1.bam")
	if err != nil {
		t.Skip()
	}
	defer f.Close()
	o := count.DefaultOptions()
	o.Threads = 2
	c0, w0 := cpu(), time.Now()
	if _, err := count.Count(context.Background(), f, "x.bam", o); err != nil {
		t.Fatal(err)
	}
	t.Logf("cpu %v wall %v", cpu()-c0, time.Since(w0))
}
