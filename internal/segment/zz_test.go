package segment

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

func cpu() time.Duration {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}

func TestZZCPU(t *testing.T) {
	var lengths []int
	var levels []float64
	for c := 0; c < 24; c++ {
		lengths = append(lengths, 1150, 50)
		levels = append(levels, 0.2*float64(c%3), 1.5)
	}
	cases := map[string][2][]any{}
	_ = cases
	for _, tc := range []struct {
		name string
		l    []int
		v    []float64
		opt  Options
	}{
		{"2500 one CNV", []int{1000, 60, 1440}, []float64{0, -0.8, 0}, Options{}},
		{"30000 noise", []int{30000}, []float64{0}, Options{}},
		{"30000 48 changes", lengths, levels, Options{}},
		{"2500 one CNV, 1000 perms", []int{1000, 60, 1440}, []float64{0, -0.8, 0}, Options{Permutations: 1000}},
	} {
		x := piecewise(rand.New(rand.NewPCG(1, 1)), tc.l, tc.v)
		c0 := cpu()
		s, _ := CBS(x, tc.opt)
		fmt.Println(tc.name, "segments", len(s), "cpu", cpu()-c0)
	}
}
