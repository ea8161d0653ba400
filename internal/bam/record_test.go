package bam

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	hbam "github.com/biogo/hts/bam"
	"github.com/biogo/hts/sam"
)

// randomRecords makes n records with every decoded field drawn at random
// and variable-length parts (name, CIGAR, sequence, tags) of random size,
// so that records of all sizes straddle BGZF block boundaries.
func randomRecords(t testing.TB, h *sam.Header, n int, seed uint64) []*sam.Record {
	rng := rand.New(rand.NewPCG(seed, 99))
	refs := h.Refs()
	recs := make([]*sam.Record, n)
	for i := range recs {
		var ref, mref *sam.Reference
		pos, mpos := -1, -1
		if rng.IntN(10) > 0 {
			ref = refs[rng.IntN(len(refs))]
			pos = rng.IntN(ref.Len())
		}
		if rng.IntN(3) > 0 {
			mref = refs[rng.IntN(len(refs))]
			mpos = rng.IntN(mref.Len())
		}
		name := make([]byte, 1+rng.IntN(254))
		for j := range name {
			name[j] = byte('!' + rng.IntN('~'-'!'))
			if name[j] == '@' {
				name[j] = 'a'
			}
		}
		seqLen := rng.IntN(400)
		if rng.IntN(8) == 0 {
			seqLen = 0
		}
		var cigar []sam.CigarOp
		for range rng.IntN(12) {
			cigar = append(cigar, sam.NewCigarOp(sam.CigarOpType(rng.IntN(9)), 1+rng.IntN(100)))
		}
		seq := make([]byte, max(seqLen, 1)) // biogo refuses empty sequences
		qual := make([]byte, len(seq))
		for j := range seq {
			seq[j] = "ACGTN"[rng.IntN(5)]
			qual[j] = byte(rng.IntN(42))
		}
		var aux []sam.Aux
		for range rng.IntN(4) {
			a, err := sam.NewAux(sam.NewTag("XZ"), fmt.Sprint(rng.Uint64()))
			if err != nil {
				t.Fatal(err)
			}
			aux = append(aux, a)
		}
		tlen := rng.IntN(2001) - 1000
		if rng.IntN(50) == 0 {
			tlen = int(rng.Int32()) * (1 - 2*rng.IntN(2))
		}
		r, err := sam.NewRecord(string(name), ref, mref, pos, mpos, tlen, byte(rng.IntN(256)), cigar, seq, qual, aux)
		if err != nil {
			t.Fatal(err)
		}
		if seqLen == 0 {
			r.Seq, r.Qual = sam.Seq{}, nil // SEQ "*"
		}
		r.Flags = sam.Flags(rng.IntN(1 << 12))
		recs[i] = r
	}
	return recs
}

func testHeader(t testing.TB) *sam.Header {
	h, err := sam.NewHeader([]byte("@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:248956422\n@SQ\tSN:chrM\tLN:16569\n@SQ\tSN:chr2_alt\tLN:100000\n@RG\tID:a\tSM:S1\n@RG\tID:b\tSM:S1\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func writeBAM(t testing.TB, h *sam.Header, recs []*sam.Record) []byte {
	var buf bytes.Buffer
	w, err := hbam.NewWriter(&buf, h, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// want converts a biogo record into the fields our decoder returns.
func want(r *sam.Record) Record {
	return Record{
		RefID: int32(r.Ref.ID()), Pos: int32(r.Pos), MAPQ: r.MapQ, Flag: uint16(r.Flags),
		NextRefID: int32(r.MateRef.ID()), NextPos: int32(r.MatePos), TLen: int32(r.TempLen),
	}
}

// checkAll reads every record of rd and compares it with biogo's decoding
// of the same bytes.
func checkAll(t *testing.T, rd Reader, bamBytes []byte) {
	t.Helper()
	ref, err := hbam.NewReader(bytes.NewReader(bamBytes), 1)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rd.Next() {
		r, err := ref.Read()
		if err != nil {
			t.Fatalf("biogo ends at record %d: %v", n, err)
		}
		if got, w := *rd.Record(), want(r); got != w {
			t.Fatalf("record %d: got %+v, want %+v", n, got, w)
		}
		n++
	}
	if err := rd.Err(); err != nil {
		t.Fatalf("after %d records: %v", n, err)
	}
	if _, err := ref.Read(); err != io.EOF {
		t.Fatalf("decoder stopped after %d records, biogo has more", n)
	}
}

func TestDecodeAgainstBiogo(t *testing.T) {
	h := testHeader(t)
	data := writeBAM(t, h, randomRecords(t, h, 3000, 1))
	for _, threads := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("threads=%d", threads), func(t *testing.T) {
			rd, err := Open(bytes.NewReader(data), Options{Threads: threads})
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			if rd.Format() != "bam" || len(rd.Header().Refs) != 3 || rd.Header().SortOrder != "coordinate" {
				t.Fatalf("header %+v", rd.Header())
			}
			if s := rd.Header().Samples; len(s) != 1 || s[0] != "S1" {
				t.Errorf("samples %v", s)
			}
			checkAll(t, rd, data)
			// Records straddling BGZF blocks (the slow path) must occur:
			// ~3000 records of ~600 bytes fill ~28 blocks.
			if split := rd.(*bamReader).split; split < 10 {
				t.Errorf("only %d records crossed a block boundary", split)
			}
		})
	}
}

// chunkReader returns data in chunks of random length 1..max bytes, so
// that every record and header field is split at every possible offset.
type chunkReader struct {
	data []byte
	rng  *rand.Rand
	max  int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(1+c.rng.IntN(c.max), len(p), len(c.data))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

func TestDecodeSplitRecords(t *testing.T) {
	h := testHeader(t)
	data := writeBAM(t, h, randomRecords(t, h, 500, 2))
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	for _, max := range []int{1, 7, 100, 5000} {
		t.Run(fmt.Sprint(max), func(t *testing.T) {
			src := &readerBlocks{r: &chunkReader{data: raw, rng: rand.New(rand.NewPCG(uint64(max), 3)), max: max}}
			rd, err := newBAMReader(src, nil)
			if err != nil {
				t.Fatal(err)
			}
			checkAll(t, rd, data)
		})
	}
}

// fixed builds the 32 fixed bytes of a BAM record followed by the variable
// part implied by its lengths.
func fixed(refID, pos int32, lName uint8, nCigar uint16, lSeq, nextRef, nextPos, tlen int32, extra int) []byte {
	b := make([]byte, 32)
	le := func(o int, v uint32) { b[o], b[o+1], b[o+2], b[o+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24) }
	le(0, uint32(refID))
	le(4, uint32(pos))
	le(8, uint32(lName)|30<<8)
	le(12, uint32(nCigar)|0x41<<16)
	le(16, uint32(lSeq))
	le(20, uint32(nextRef))
	le(24, uint32(nextPos))
	le(28, uint32(tlen))
	n := int(lName) + 4*int(nCigar) + (int(lSeq)+1)/2 + int(lSeq) + extra
	return append(b, make([]byte, max(n, 0))...)
}

func TestDecodeRecordErrors(t *testing.T) {
	var r Record
	if err := DecodeRecord(fixed(0, 5, 2, 1, 10, -1, -1, 0, 0), 1, &r); err != nil {
		t.Fatalf("valid record: %v", err)
	}
	if r.MAPQ != 30 || r.Flag != 0x41 || r.Pos != 5 || r.NextRefID != -1 {
		t.Errorf("decoded %+v", r)
	}
	for name, b := range map[string][]byte{
		"short":          fixed(0, 5, 2, 0, 0, -1, -1, 0, 0)[:31],
		"empty name":     fixed(0, 5, 0, 0, 0, -1, -1, 0, 0),
		"negative lseq":  fixed(0, 5, 2, 0, -4, -1, -1, 0, 0),
		"overlong parts": fixed(0, 5, 2, 3, 10, -1, -1, 0, -1),
		"ref too big":    fixed(1, 5, 2, 0, 0, -1, -1, 0, 0),
		"ref below -1":   fixed(-2, 5, 2, 0, 0, -1, -1, 0, 0),
		"mate ref":       fixed(0, 5, 2, 0, 0, 7, 1, 0, 0),
		"pos below -1":   fixed(0, -5, 2, 0, 0, -1, -1, 0, 0),
		"mate pos":       fixed(0, 5, 2, 0, 0, 0, -9, 0, 0),
	} {
		if err := DecodeRecord(b, 1, &r); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func BenchmarkDecodeRecord(b *testing.B) {
	rec := fixed(0, 5, 20, 1, 150, 0, 200, 350, 30)
	var r Record
	for b.Loop() {
		if err := DecodeRecord(rec, 3, &r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadBAM decodes a BAM of 150-bp reads; records/s is the figure
// to compare with biogo (BenchmarkReadBAMBiogo).
func BenchmarkReadBAM(b *testing.B) {
	data, n := benchBAM(b)
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				rd, err := Open(bytes.NewReader(data), Options{Threads: threads})
				if err != nil {
					b.Fatal(err)
				}
				k := 0
				for rd.Next() {
					k++
				}
				if rd.Err() != nil || k != n {
					b.Fatal(rd.Err(), k)
				}
				rd.Close()
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

func BenchmarkReadBAMBiogo(b *testing.B) {
	data, n := benchBAM(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		rd, err := hbam.NewReader(bytes.NewReader(data), 2)
		if err != nil {
			b.Fatal(err)
		}
		k := 0
		for {
			if _, err := rd.Read(); err != nil {
				break
			}
			k++
		}
		if k != n {
			b.Fatal(k)
		}
		rd.Close()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}

func benchBAM(b *testing.B) ([]byte, int) {
	h := testHeader(b)
	rng := rand.New(rand.NewPCG(5, 5))
	const n = 50_000
	recs := make([]*sam.Record, n)
	seq := make([]byte, 150)
	qual := make([]byte, 150)
	cigar := []sam.CigarOp{sam.NewCigarOp(sam.CigarMatch, 150)}
	pos := 0
	for i := range recs {
		for j := range seq {
			seq[j] = "ACGT"[rng.IntN(4)]
			qual[j] = byte(30 + rng.IntN(10))
		}
		pos += rng.IntN(2000)
		r, err := sam.NewRecord(fmt.Sprintf("read%09d", i), h.Refs()[0], h.Refs()[0], pos, pos+200, 350, 60, cigar, seq, qual, nil)
		if err != nil {
			b.Fatal(err)
		}
		r.Flags = sam.Paired | sam.ProperPair | sam.Read1
		recs[i] = r
	}
	return writeBAM(b, h, recs), n
}
