package analyze

import (
	"fmt"
	"math"
	"testing"

	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/refset"
)

func TestDbg038(t *testing.T) {
	ref, err := refset.ReadFile("/tmp/val/ref.niptref")
	if err != nil {
		t.Skip(err)
	}
	for _, name := range names() {
		c, _ := counts.ReadFile("/tmp/val/cohort/" + name + ".counts")
		s1, _ := ref.Normalize(c)
		ex := make([]bool, ref.Layout.NumBins())
		for j := ref.Layout.Offset[12]; j < ref.Layout.Offset[13]; j++ {
			ex[j] = true
		}
		for j := ref.Layout.Offset[6]; j < ref.Layout.Offset[7]; j++ {
			ex[j] = true
		}
		s2 := ref.NormalizeProfile(s1.Profile, s1.Coverage, ex)
		l := ref.Layout
		var a1, a2, raw float64
		n := 0
		for a, j := range ref.Auto {
			if int(j) >= l.Offset[9]+310 && int(j) < l.Offset[9]+343 {
				a1 += s1.Res[a]
				a2 += s2.Res[a]
				raw += s1.Raw[a]
				n++
			}
		}
		t.Logf("%s chr10 31-34.3: raw %.4f pass1 %.4f pass2 %.4f (n=%d) lev %.3f", name, raw/float64(n), a1/float64(n), a2/float64(n), n, s1.Leverage)
		_ = math.NaN
	}
}

func names() []string {
	var out []string
	for i := 1; i <= 121; i++ {
		out = append(out, fmt.Sprintf("TEST%03d", i))
	}
	return out
}
