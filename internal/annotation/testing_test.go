package annotation

import (
	"os"
	"testing"

	"github.com/nipt/nipt/internal/genome"
)

// testBuild is a tiny genome for hand-computed tests: chromosome i has
// 950 + 50·i bases, so most end with a partial 100 b bin.
var testBuild = func() *genome.Build {
	b := &genome.Build{Name: "test"}
	for i := range b.Lengths {
		b.Lengths[i] = 950 + 50*i
	}
	return b
}()

func testLayout(t testing.TB) *genome.Layout {
	l, err := genome.NewLayout(testBuild, 100)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func writeFile(t testing.TB, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
