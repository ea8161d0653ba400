package bam

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/genome"
)

// Seed corpora live in testdata/fuzz/<target>/ and run as ordinary tests;
// "go test -fuzz FuzzDecodeRecord ./internal/bam" explores further.

// FuzzDecodeRecord checks that no input makes DecodeRecord panic and that
// accepted records decode to the little-endian fields of the spec layout.
func FuzzDecodeRecord(f *testing.F) {
	f.Add(fixed(0, 5, 2, 1, 10, -1, -1, 0, 0), 1)
	f.Add(fixed(2, 100, 10, 0, 0, 2, 50, -300, 3), 3)
	f.Fuzz(func(t *testing.T, b []byte, nRef int) {
		var r Record
		if err := DecodeRecord(b, nRef, &r); err != nil {
			return
		}
		le := binary.LittleEndian
		if r.RefID != int32(le.Uint32(b)) || r.Pos != int32(le.Uint32(b[4:])) || r.MAPQ != b[9] ||
			r.Flag != le.Uint16(b[14:]) || r.NextRefID != int32(le.Uint32(b[20:])) ||
			r.NextPos != int32(le.Uint32(b[24:])) || r.TLen != int32(le.Uint32(b[28:])) {
			t.Fatalf("fields differ from the spec layout: %+v", r)
		}
		if r.RefID < -1 || int(r.RefID) >= nRef || r.Pos < -1 {
			t.Fatalf("out-of-range record accepted: %+v", r)
		}
	})
}

// FuzzSAMLine checks that the SAM line parser never panics, that an
// accepted line decodes to in-range fields, and that POS, MAPQ and FLAG are
// the numbers written in the line.
func FuzzSAMLine(f *testing.F) {
	for _, s := range []string{
		"q\t99\tchr1\t10\t60\t5M\t=\t20\t15\tACGTA\tIIIII",
		"q\t4\t*\t0\t0\t*\t*\t0\t0\t*\t*",
		"q\t1\tchr2\t3\t0\t*\tchr1\t7\t-250\t*\t*\tNM:i:0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		var p samParser
		p.init([]genome.Contig{{Name: "chr1", Length: 1000}, {Name: "chr2", Length: 500}})
		var r Record
		if err := p.parse([]byte(line), &r); err != nil {
			return
		}
		if r.RefID < -1 || r.RefID > 1 || r.NextRefID < -1 || r.NextRefID > 1 || r.Pos < -1 || r.NextPos < -1 {
			t.Fatalf("out-of-range record accepted: %+v", r)
		}
		f := strings.Split(line, "\t")
		pos, _ := strconv.ParseInt(f[3], 10, 64)
		mapq, _ := strconv.ParseUint(f[4], 10, 64)
		flag, _ := strconv.ParseUint(f[1], 10, 64)
		if int64(r.Pos)+1 != pos || uint64(r.MAPQ) != mapq || uint64(r.Flag) != flag {
			t.Fatalf("line %q decoded to %+v", line, r)
		}
	})
}

// FuzzOpen feeds arbitrary bytes to the format detection and decoders
// (uncompressed BAM, SAM, gzip): they must fail cleanly, never panic.
func FuzzOpen(f *testing.F) {
	hdr := func(n int32) []byte {
		var b bytes.Buffer
		b.WriteString("BAM\x01")
		binary.Write(&b, binary.LittleEndian, int32(0))
		binary.Write(&b, binary.LittleEndian, n)
		for range n {
			binary.Write(&b, binary.LittleEndian, int32(5))
			b.WriteString("chr1\x00")
			binary.Write(&b, binary.LittleEndian, int32(1000))
		}
		return b.Bytes()
	}
	rec := fixed(0, 5, 2, 1, 10, -1, -1, 0, 0)
	withSize := binary.LittleEndian.AppendUint32(nil, uint32(len(rec)))
	f.Add(append(append(hdr(1), withSize...), rec...))
	f.Add(hdr(1))
	f.Add([]byte("@SQ\tSN:chr1\tLN:1000\nq\t0\tchr1\t10\t60\t5M\t*\t0\t0\tACGTA\tIIIII\n"))
	f.Add(gz([]byte("@SQ\tSN:chr1\tLN:1000\n")))
	f.Fuzz(func(t *testing.T, b []byte) {
		rd, err := Open(bytes.NewReader(b), Options{Threads: 1})
		if err != nil {
			return
		}
		defer rd.Close()
		for n := 0; rd.Next() && n < 1<<16; n++ {
		}
	})
}
