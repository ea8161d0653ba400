package analyze

import (
	"os"
	"testing"
	"time"

	"github.com/nipt/nipt/internal/refset"
)

func TestZZTime(t *testing.T) {
	if os.Getenv("DIAG") == "" {
		t.Skip()
	}
	for _, c := range []struct{ bin, n, reads int }{{500_000, 30, 4_000_000}, {500_000, 24, 4_000_000}} {
		t0 := time.Now()
		f, err := refset.NewFixtureAt(c.bin, c.n, c.reads, 3)
		if err != nil {
			t.Fatal(err)
		}
		t.Log(c, time.Since(t0), f.Ref.Components)
	}
}
