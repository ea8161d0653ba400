package counts

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

func TestParseRegion(t *testing.T) {
	c := sample(t, true, 1_000_000)
	l := c.Layout
	for _, tc := range []struct {
		in       string
		from, to int
	}{
		{"", 0, l.NumBins()},
		{"chr21", l.Offset[20], l.Offset[21]},
		{"21", l.Offset[20], l.Offset[21]},
		{"chrX:1-1", l.Offset[22], l.Offset[22] + 1},
		{"chr1:1,000,000-1,000,001", 0, 2},
		{"chr1:2000001-3000000", 2, 3},
		{"chrY:57000001-99999999", l.Offset[23] + 57, l.Offset[24]},
	} {
		r, err := ParseRegion(l, tc.in)
		if err != nil || r.From != tc.from || r.To != tc.to {
			t.Errorf("%q: got %+v %v, want [%d,%d)", tc.in, r, err, tc.from, tc.to)
		}
	}
	for _, bad := range []string{"chrM", "chr1:", "chr1:5", "chr1:0-10", "chr1:20-10", "chr21:99999999-100000000", "chr1:a-b"} {
		if _, err := ParseRegion(l, bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestWriteTSV(t *testing.T) {
	for _, paired := range []bool{false, true} {
		c := sample(t, paired, 1_000_000)
		var buf bytes.Buffer
		r, _ := ParseRegion(c.Layout, "chr21")
		if err := c.WriteTSV(&buf, r); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		head := "chrom\tstart\tend\treads"
		if paired {
			head += "\tshort"
		}
		if lines[0] != head || len(lines) != 1+r.To-r.From {
			t.Fatalf("header %q, %d lines", lines[0], len(lines))
		}
		f := strings.Split(lines[len(lines)-1], "\t")
		if f[0] != "chr21" || f[2] != "46709983" || f[3] != itoa(c.Reads[r.To-1]) {
			t.Errorf("last line %q", lines[len(lines)-1])
		}
	}
}

func itoa(v uint32) string { return strconv.FormatUint(uint64(v), 10) }
