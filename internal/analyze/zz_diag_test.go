package analyze

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/nipt/nipt/internal/call"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/refset"
	"gonum.org/v1/gonum/stat/distuv"
)

func thin(c *counts.Counts, p float64, seed uint64) *counts.Counts {
	d := *c
	src := rand.NewPCG(seed, 9)
	d.Reads = make([]uint32, len(c.Reads))
	d.Short = make([]uint32, len(c.Short))
	for i, v := range c.Reads {
		if v > 0 {
			d.Reads[i] = uint32(distuv.Binomial{N: float64(v), P: p, Src: src}.Rand())
			if c.Short != nil && c.Short[i] > 0 {
				d.Short[i] = uint32(math.Min(float64(d.Reads[i]), math.Round(float64(c.Short[i])*p)))
			}
		}
	}
	h := d.Header
	h.QC.ChromReads = map[string]int64{}
	d.Header = h
	d.FillChromReads()
	return &d
}

func TestZZDiag(t *testing.T) {
	dir := os.Getenv("DIAG")
	if dir == "" {
		t.Skip()
	}
	ref, err := refset.ReadFile(dir + "/ref.niptref")
	if err != nil {
		t.Fatal(err)
	}
	agg := map[float64][]float64{}
	defer func() {
		for p, zs := range agg {
			var m, v float64
			for _, z := range zs {
				m += z / float64(len(zs))
			}
			for _, z := range zs {
				v += (z - m) * (z - m) / float64(len(zs)-1)
			}
			t.Logf("p=%.2f n=%d mean z %.3f sd %.3f", p, len(zs), m, math.Sqrt(v))
		}
	}()
	for i := 1; i <= 16; i++ {
		name := fmt.Sprintf("HI%03d", i)
		c, err := counts.ReadFile(dir + "/cohort/" + name + ".counts")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []float64{1, 0.5, 0.25, 0.12} {
			cc := c
			if p < 1 {
				cc = thin(c, p, 1)
			}
			r, err := Analyze(ref, cc, Options{Config: call.DefaultConfig()})
			if err != nil {
				t.Fatal(err)
			}
			s := fmt.Sprintf("%s p=%.2f ff=%.4f sex=%s sca=%s zY=%.2f ", name, p, r.FetalFraction.Value, r.FetalSex, r.SCA.Call, r.SCA.ZY)
			var zs []float64
			for _, ch := range r.Chromosomes {
				zs = append(zs, ch.Z)
			}
			var m, v float64
			for _, z := range zs[:genome.ChrX] {
				m += z / 22
			}
			agg[p] = append(agg[p], zs[:genome.ChrX]...)
			for _, z := range zs[:genome.ChrX] {
				v += (z - m) * (z - m) / 21
			}
			s += fmt.Sprintf("meanZ=%.2f sdZ=%.2f zX=%.2f", m, math.Sqrt(v), zs[len(zs)-1])
			for _, ch := range r.Chromosomes {
				if math.Abs(ch.Z) > 2.5 {
					s += fmt.Sprintf(" %s:%.1f", ch.Chrom, ch.Z)
				}
			}
			for _, cn := range r.CNVs {
				s += fmt.Sprintf(" CNV %s:%d-%d", cn.Chrom, cn.Start/1e6, cn.End/1e6)
			}
			t.Log(s)
		}
	}
}

func TestZZDiagX(t *testing.T) {
	dir := os.Getenv("DIAG")
	if dir == "" {
		t.Skip()
	}
	ref, _ := refset.ReadFile(dir + "/ref.niptref")
	for _, name := range []string{"HI001", "HI002", "HI003", "HI004"} {
		c, _ := counts.ReadFile(dir + "/cohort/" + name + ".counts")
		s, err := ref.Normalize(c)
		if err != nil {
			t.Fatal(err)
		}
		reads, _, _ := ref.Static.Merge(c)
		l := ref.Layout
		line := name
		for j := l.Offset[genome.ChrX]; j < l.Offset[genome.ChrX]+20; j++ {
			line += fmt.Sprintf(" %d/%.0f/%.2f", reads[j], s.Coverage.Expected[j]*ref.Median[j], s.X[j])
		}
		t.Log(line, " scores", s.Scores[:5])
	}
}

func TestZZDiagStage(t *testing.T) {
	dir := os.Getenv("DIAG")
	if dir == "" {
		t.Skip()
	}
	ref, _ := refset.ReadFile(dir + "/ref.niptref")
	chrom := make([]int, len(ref.Auto))
	for a, j := range ref.Auto {
		chrom[a], _, _ = ref.Layout.Locate(int(j))
	}
	for _, p := range []float64{1, 0.12} {
		var raw, res [22]float64
		var zs [22]float64
		for i := 1; i <= 16; i++ {
			c, _ := counts.ReadFile(fmt.Sprintf("%s/cohort/HI%03d.counts", dir, i))
			if p < 1 {
				c = thin(c, p, uint64(i))
			}
			s, _ := ref.Normalize(c)
			var sr, ss, n [22]float64
			for a := range ref.Auto {
				sr[chrom[a]] += s.Raw[a]
				ss[chrom[a]] += s.Res[a]
				n[chrom[a]]++
			}
			cs := ref.ChromStats(s, nil)
			for k := 0; k < 22; k++ {
				raw[k] += sr[k] / n[k] / 16
				res[k] += ss[k] / n[k] / 16
				zs[k] += cs[k].Value["pca"] / 16
			}
		}
		line := fmt.Sprintf("p=%.2f", p)
		for k := 0; k < 22; k++ {
			line += fmt.Sprintf(" %d:%.4f/%.4f/%.4f", k+1, raw[k], res[k], zs[k])
		}
		t.Log(line)
	}
}
