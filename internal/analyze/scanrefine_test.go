package analyze

import (
	"math"
	"slices"
	"testing"

	"github.com/nipt/nipt/internal/call"
)

// TestRefinesSegments: a scan window replaces the CBS segments it
// overlaps only when it is a better description of the same change —
// nested with each (a segment that ran on past the change, or one that
// kept only part of it), same direction, not maternal, and a larger
// fetal-level log LR than each.
func TestRefinesSegments(t *testing.T) {
	seg := func(first, end int, mean, z float64) call.Segment {
		return call.Segment{Chrom: 4, First: first, End: end, Mean: mean, Z: z}
	}
	w := seg(100, 200, -0.05, -7.4)
	never := func(call.Segment) bool { return false }
	always := func(call.Segment) bool { return true }
	for _, tc := range []struct {
		name     string
		segs     []call.Segment
		segLLR   float64 // every segment's log LR (the window's is 20)
		maternal func(call.Segment) bool
		over     []int
		keep     bool
	}{
		{"no overlap", []call.Segment{seg(0, 100, -0.03, -5), seg(200, 300, 0, 0.2)}, 30, never, nil, true},
		{"weak overlap ignored", []call.Segment{seg(0, 300, -0.01, -1.2)}, 30, never, nil, true},
		{"diluted containing segment", []call.Segment{seg(0, 300, -0.025, -5.6)}, 12, never, []int{0}, true},
		{"stronger containing segment", []call.Segment{seg(0, 300, -0.04, -9)}, 31, never, []int{0}, false},
		{"weaker piece inside the window", []call.Segment{seg(120, 150, -0.06, -5.1)}, 11, never, []int{0}, true},
		{"stronger piece inside the window", []call.Segment{seg(120, 150, -0.12, -8)}, 25, never, []int{0}, false},
		{"two pieces inside the window", []call.Segment{seg(105, 140, -0.05, -4.5), seg(160, 195, -0.05, -4.6)}, 9, never, []int{0, 1}, true},
		{"partial overlap", []call.Segment{seg(150, 400, -0.03, -5)}, 5, never, []int{0}, false},
		{"opposite direction", []call.Segment{seg(0, 300, 0.03, 5)}, 5, never, []int{0}, false},
		{"maternal segment", []call.Segment{seg(0, 300, -0.025, -5.6)}, 5, always, []int{0}, false},
		{"maternal piece inside the window", []call.Segment{seg(120, 150, -0.06, -5.1)}, 5, always, []int{0}, false},
		{"no log LR for the segment", []call.Segment{seg(0, 300, -0.025, -5.6)}, math.NaN(), never, []int{0}, false},
		{"whole chromosome", []call.Segment{{Chrom: 4, First: 0, End: 900, Mean: -0.02, Z: -6, Whole: true}}, 30, never, nil, true},
		{"other chromosome", []call.Segment{{Chrom: 5, First: 0, End: 300, Mean: -0.03, Z: -5}}, 30, never, nil, true},
	} {
		llr := func(first, end int) float64 {
			if first == w.First && end == w.End {
				return 20
			}
			return tc.segLLR
		}
		over, keep := refinesSegments(w, tc.segs, 3, tc.maternal, llr)
		if keep != tc.keep || !slices.Equal(over, tc.over) {
			t.Errorf("%s: over %v keep %v, want %v %v", tc.name, over, keep, tc.over, tc.keep)
		}
	}
}
