package refset

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/nipt/nipt/internal/annotation"
	"github.com/nipt/nipt/internal/genome"
)

func TestProfBuild(t *testing.T) {
	paths, _ := filepath.Glob("/tmp/val/cohort/REF*.counts")
	if len(paths) == 0 {
		t.Skip()
	}
	l, _ := genome.NewLayout(genome.GRCh38, 100000)
	ann, err := annotation.LoadFor("/tmp/val/cohort/genome.bins", l)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := NewStatic(ann, 100000, nil)
	opt := DefaultOptions()
	t0 := time.Now()
	ps, err := st.PrepareFiles(context.Background(), paths, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("prepare %v", time.Since(t0))
	t0 = time.Now()
	_, err = Fit(st, ps, opt)
	t.Logf("fit %v %v", time.Since(t0), err)
}
