package bam

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/biogo/hts/sam"
	"github.com/nipt/nipt/internal/genome"
)

func TestSAMAgainstBiogo(t *testing.T) {
	h := testHeader(t)
	recs := randomRecords(t, h, 2000, 4)
	var buf bytes.Buffer
	w, err := sam.NewWriter(&buf, h, sam.FlagDecimal)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	rd, err := Open(bytes.NewReader(buf.Bytes()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rd.Format() != "sam" || len(rd.Header().Refs) != 3 || rd.Header().Refs[1] != (genome.Contig{Name: "chrM", Length: 16569}) {
		t.Fatalf("format %s header %+v", rd.Format(), rd.Header())
	}
	n := 0
	for rd.Next() {
		if got, w := *rd.Record(), want(recs[n]); got != w {
			t.Fatalf("record %d: got %+v, want %+v", n, got, w)
		}
		n++
	}
	if rd.Err() != nil || n != len(recs) {
		t.Fatalf("%d of %d records: %v", n, len(recs), rd.Err())
	}
}

func TestParseSAMLine(t *testing.T) {
	var p samParser
	p.init([]genome.Contig{{Name: "chr1", Length: 1000}, {Name: "chr2", Length: 500}})
	good := "q\t99\tchr1\t10\t60\t5M\t=\t20\t15\tACGTA\tIIIII"
	var r Record
	if err := p.parse([]byte(good), &r); err != nil {
		t.Fatal(err)
	}
	if w := (Record{RefID: 0, Pos: 9, MAPQ: 60, Flag: 99, NextRefID: 0, NextPos: 19, TLen: 15}); r != w {
		t.Errorf("got %+v, want %+v", r, w)
	}
	if err := p.parse([]byte("q\t4\t*\t0\t0\t*\t*\t0\t0\t*\t*\tNM:i:0"), &r); err != nil || r.RefID != -1 || r.Pos != -1 || r.NextRefID != -1 {
		t.Errorf("unmapped: %+v %v", r, err)
	}
	if err := p.parse([]byte("q\t1\tchr2\t3\t0\t*\tchr1\t7\t-250\t*\t*"), &r); err != nil || r.RefID != 1 || r.NextRefID != 0 || r.TLen != -250 {
		t.Errorf("mate elsewhere: %+v %v", r, err)
	}
	field := func(i int, v string) string {
		f := strings.Split(good, "\t")
		f[i] = v
		return strings.Join(f, "\t")
	}
	for name, line := range map[string]string{
		"ten fields":     "q\t99\tchr1\t10\t60\t5M\t=\t20\t15\tACGTA",
		"flag text":      field(1, "x"),
		"flag too big":   field(1, "65536"),
		"negative flag":  field(1, "-1"),
		"unknown ref":    field(2, "chr9"),
		"rname equals":   field(2, "="),
		"pos negative":   field(3, "-3"),
		"pos too big":    field(3, "2147483648"),
		"mapq 256":       field(4, "256"),
		"unknown rnext":  field(6, "chrQ"),
		"pnext text":     field(7, "1e3"),
		"tlen plus sign": field(8, "+15"),
		"tlen too big":   field(8, "-2147483648"),
		"empty":          "",
	} {
		if err := p.parse([]byte(line), &r); !errors.Is(err, ErrBadSAM) {
			t.Errorf("%s: error %v", name, err)
		}
	}
}

func TestSAMHeaderErrors(t *testing.T) {
	for name, in := range map[string]string{
		"no LN":           "@SQ\tSN:chr1\n",
		"bad LN":          "@SQ\tSN:chr1\tLN:x\n",
		"no @SQ":          "q\t0\tchr1\t10\t60\t5M\t*\t0\t0\tACGTA\tIIIII\n",
		"late header":     "@SQ\tSN:chr1\tLN:100\nq\t0\tchr1\t10\t60\t5M\t*\t0\t0\tACGTA\tIIIII\n@CO\tlate\n",
		"truncated field": "@SQ\tSN:chr1\tLN:100\nq\t0\tchr1\t10\t60",
	} {
		rd, err := Open(strings.NewReader(in), Options{})
		if err == nil {
			for rd.Next() {
			}
			err = rd.Err()
		}
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
