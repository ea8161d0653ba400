package evaluate

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func cnv(chrom string, start, end int, typ string) CNV {
	return CNV{Chrom: chrom, Start: start, End: end, Type: typ, Origin: "fetal"}
}

func TestReciprocalOverlap(t *testing.T) {
	const mb = 1_000_000
	tests := []struct {
		name string
		a, b CNV
		want float64
	}{
		{"identical", cnv("5", 10*mb, 20*mb, "loss"), cnv("5", 10*mb, 20*mb, "loss"), 1},
		// Call covers 8 of the 10 Mb: 8/10 of the truth, 8/8 of the call.
		{"inside", cnv("5", 10*mb, 20*mb, "loss"), cnv("5", 11*mb, 19*mb, "loss"), 0.8},
		// Exactly half of each: 5 Mb shared by two 10 Mb intervals.
		{"half", cnv("5", 0, 10*mb, "loss"), cnv("5", 5*mb, 15*mb, "loss"), 0.5},
		// Small call nested in a large truth: limited by the larger one.
		{"nested small", cnv("1", 0, 10*mb, "gain"), cnv("1", 2*mb, 3*mb, "gain"), 0.1},
		{"touching", cnv("1", 0, 10, "gain"), cnv("1", 10, 20, "gain"), 0},
		{"disjoint", cnv("1", 0, 10, "gain"), cnv("1", 30, 40, "gain"), 0},
		{"other chromosome", cnv("1", 0, 10, "gain"), cnv("2", 0, 10, "gain"), 0},
		{"empty interval", cnv("1", 5, 5, "gain"), cnv("1", 0, 10, "gain"), 0},
	}
	for _, tt := range tests {
		got := ReciprocalOverlap(tt.a, tt.b)
		if math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
		if rev := ReciprocalOverlap(tt.b, tt.a); rev != got {
			t.Errorf("%s: not symmetric (%v vs %v)", tt.name, got, rev)
		}
	}
}

func TestMatchCNVs(t *testing.T) {
	const mb = 1_000_000
	tests := []struct {
		name         string
		truth, calls []CNV
		minOverlap   float64
		want         [][2]int // truth, call index pairs
	}{
		{"exact 50% matches", []CNV{cnv("5", 0, 10*mb, "loss")}, []CNV{cnv("5", 5*mb, 15*mb, "loss")}, 0.5, [][2]int{{0, 0}}},
		// One base short of 50% of the truth.
		{"just below 50%", []CNV{cnv("5", 0, 10*mb, "loss")}, []CNV{cnv("5", 5*mb+1, 15*mb, "loss")}, 0.5, nil},
		{"type must agree", []CNV{cnv("5", 0, 10*mb, "loss")}, []CNV{cnv("5", 0, 10*mb, "gain")}, 0.5, nil},
		{"chromosome must agree", []CNV{cnv("5", 0, 10*mb, "loss")}, []CNV{cnv("6", 0, 10*mb, "loss")}, 0.5, nil},
		// A truth split into two calls of 4 Mb each: neither reaches 50%.
		{"split call", []CNV{cnv("3", 0, 10*mb, "gain")}, []CNV{cnv("3", 0, 4*mb, "gain"), cnv("3", 6*mb, 10*mb, "gain")}, 0.5, nil},
		// Two calls qualify for one truth: the better one is taken, the
		// other stays a false call (one-to-one).
		{"best of two", []CNV{cnv("3", 0, 10*mb, "gain")}, []CNV{cnv("3", 0, 6*mb, "gain"), cnv("3", 0, 9*mb, "gain")}, 0.5, [][2]int{{0, 1}}},
		// Two truths, one call overlapping both: it goes to the better.
		{"one call two truths", []CNV{cnv("3", 0, 10*mb, "gain"), cnv("3", 10*mb, 16*mb, "gain")}, []CNV{cnv("3", 1*mb, 12*mb, "gain")}, 0.5, [][2]int{{0, 0}}},
		// Truth 0 (0–10 Mb) fits call 0 (overlap 0.9) and call 1 (4–20 Mb,
		// 6/16 < 0.5: no); truth 1 (12–20 Mb) fits call 1 (8/16 = 0.5).
		{"both matched", []CNV{cnv("3", 0, 10*mb, "gain"), cnv("3", 12*mb, 20*mb, "gain")}, []CNV{cnv("3", 0, 9*mb, "gain"), cnv("3", 4*mb, 20*mb, "gain")}, 0.5, [][2]int{{0, 0}, {1, 1}}},
		// Pairs (truth, call): (0,0) 1.0, (1,1) 7/8, (1,0) 0.8, (0,1) 0.7.
		// The best pair goes first, so truth 1 keeps call 1.
		{"no stealing", []CNV{cnv("3", 0, 10*mb, "gain"), cnv("3", 0, 8*mb, "gain")}, []CNV{cnv("3", 0, 10*mb, "gain"), cnv("3", 0, 7*mb, "gain")}, 0.5, [][2]int{{0, 0}, {1, 1}}},
		{"stricter threshold", []CNV{cnv("5", 0, 10*mb, "loss")}, []CNV{cnv("5", 2*mb, 10*mb, "loss")}, 0.9, nil},
	}
	for _, tt := range tests {
		var got [][2]int
		for _, m := range MatchCNVs(tt.truth, tt.calls, tt.minOverlap) {
			got = append(got, [2]int{m.Truth, m.Call})
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: matches %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestParseCNV(t *testing.T) {
	good := []struct {
		in    string
		truth bool
		want  CNV
	}{
		{"chr5:10000000-20000000:loss:fetal", true, CNV{"5", 10000000, 20000000, "loss", "fetal"}},
		{"5:1-2:gain:maternal_inherited", true, CNV{"5", 1, 2, "gain", "maternal_inherited"}},
		{"chrX:100-200:DUP:maternal", true, CNV{"X", 100, 200, "gain", "maternal"}},
		{"chr21:1,000-2,000:del", false, CNV{"21", 1000, 2000, "loss", "uncertain"}},
		{"chr7:5-9:gain:maternal_inherited", false, CNV{"7", 5, 9, "gain", "maternal"}},
		{"chr8:46000000-145000000:gain:tumour:0.05", true, CNV{"8", 46000000, 145000000, "gain", "tumour"}},
	}
	for _, g := range good {
		got, err := parseCNV(g.in, g.truth)
		if err != nil || got != g.want {
			t.Errorf("parseCNV(%q) = %+v, %v; want %+v", g.in, got, err, g.want)
		}
	}
	bad := []struct {
		in    string
		truth bool
		msg   string
	}{
		{"chr5:10-20", true, "expected chrom"},
		{"chr5:10-20:loss", true, "origin missing"},
		{"chr5:20-10:loss:fetal", true, "not after start"},
		{"chr5:10-10:loss:fetal", true, "not after start"},
		{"chrM:1-10:loss:fetal", true, "not chr1"},
		{"chr5:a-10:loss:fetal", true, "not a non-negative integer"},
		{"chr5:10:loss:fetal", true, "coordinates"},
		{"chr5:1-10:inv:fetal", true, "neither gain nor loss"},
		{"chr5:1-10:loss:paternal", true, "not fetal, maternal, maternal_inherited or tumour"},
		{"chr5:1-10:loss:fetal:0.05", true, "expected chrom"},
		{"chr5:1-10:loss:tumour:0.05", false, "expected chrom"}, // a call is never a tumour's
		{"chr5:1-10:loss:paternal", false, "not fetal, maternal or uncertain"},
		{"chr5:1-10:loss:fetal:extra", false, "expected chrom"},
	}
	for _, b := range bad {
		if _, err := parseCNV(b.in, b.truth); err == nil || !strings.Contains(err.Error(), b.msg) {
			t.Errorf("parseCNV(%q): error %v, want one containing %q", b.in, err, b.msg)
		}
	}
}
