package tmpbench

import (
	"testing"

	"github.com/nipt/nipt/internal/genome"
)

func TestNBins(t *testing.T) {
	for _, b := range genome.Builds {
		l, _ := genome.NewLayout(b, 10000)
		t.Logf("%s %d", b.Name, l.NumBins())
	}
}
