package analyze

import (
	"slices"
	"testing"

	"github.com/nipt/nipt/internal/call"
)

// TestRefinesSegments: a scan window replaces the CBS segments it
// overlaps only when it is a sharper description of the same change —
// contained in each, same direction, stronger evidence, not maternal.
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
		maternal func(call.Segment) bool
		over     []int
		keep     bool
	}{
		{"no overlap", []call.Segment{seg(0, 100, -0.03, -5), seg(200, 300, 0, 0.2)}, never, nil, true},
		{"weak overlap ignored", []call.Segment{seg(0, 300, -0.01, -1.2)}, never, nil, true},
		{"diluted containing segment", []call.Segment{seg(0, 300, -0.025, -5.6)}, never, []int{0}, true},
		{"stronger segment", []call.Segment{seg(0, 300, -0.04, -9)}, never, []int{0}, false},
		{"partial overlap", []call.Segment{seg(150, 400, -0.03, -5)}, never, []int{0}, false},
		{"opposite direction", []call.Segment{seg(0, 300, 0.03, 5)}, never, []int{0}, false},
		{"maternal segment", []call.Segment{seg(0, 300, -0.025, -5.6)}, always, []int{0}, false},
		{"whole chromosome", []call.Segment{{Chrom: 4, First: 0, End: 900, Mean: -0.02, Z: -6, Whole: true}}, never, nil, true},
		{"other chromosome", []call.Segment{{Chrom: 5, First: 0, End: 300, Mean: -0.03, Z: -5}}, never, nil, true},
	} {
		over, keep := refinesSegments(w, tc.segs, 3, tc.maternal)
		if keep != tc.keep || !slices.Equal(over, tc.over) {
			t.Errorf("%s: over %v keep %v, want %v %v", tc.name, over, keep, tc.over, tc.keep)
		}
	}
}
