package bamwrite

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/biogo/hts/bam"
)

var testRefs = []Ref{{"chrA", 3_000_000}, {"chrB", 40_000}, {"chrEmpty", 5000}, {"chrC", 1_200_000}}

// randomRecords returns n coordinate-sorted records (plus a few unplaced
// unmapped ones at the end) with varied CIGARs, sequences and tags.
func randomRecords(n int, seed uint64, withSeq bool) []Record {
	rng := rand.New(rand.NewPCG(seed, 7))
	type key struct{ ref, pos int }
	keys := make([]key, n)
	for i := range keys {
		ref := []int{0, 0, 0, 1, 3, 3}[rng.IntN(6)]
		keys[i] = key{ref, rng.IntN(testRefs[ref].Len - 1000)}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.ref != b.ref {
			return a.ref - b.ref
		}
		return a.pos - b.pos
	})
	recs := make([]Record, 0, n+5)
	for i, k := range keys {
		l := 20 + rng.IntN(130)
		r := Record{Ref: k.ref, Pos: k.pos, MapQ: uint8(rng.IntN(61)), Flag: uint16(rng.IntN(2) * 16),
			MateRef: -1, MatePos: -1, Name: []byte("read" + strconv.Itoa(i))}
		switch rng.IntN(4) {
		case 0:
			r.Cigar = []uint32{Cigar(CigarSoftClip, 5), Cigar(CigarMatch, l)}
		case 1:
			r.Cigar = []uint32{Cigar(CigarMatch, l/2), Cigar(CigarDel, 3000), Cigar(CigarMatch, l-l/2)}
		default:
			r.Cigar = []uint32{Cigar(CigarMatch, l)}
		}
		if withSeq {
			ql := l
			if rng.IntN(4) == 0 {
				ql += 5
			}
			r.Seq, r.Qual = make([]byte, ql), make([]byte, ql)
			for j := range r.Seq {
				r.Seq[j] = "ACGTN"[rng.IntN(5)]
				r.Qual[j] = byte(2 + rng.IntN(39))
			}
		}
		if rng.IntN(3) == 0 {
			r.Aux = AppendAuxA(nil, "XO", "MF"[rng.IntN(2)])
		}
		recs = append(recs, r)
	}
	for i := range 5 {
		recs = append(recs, Record{Ref: -1, Pos: -1, MateRef: -1, MatePos: -1, Flag: flagUnmapped, Name: []byte("unmapped" + strconv.Itoa(i))})
	}
	return recs
}

func headerFor(refs []Ref) Header {
	var sb strings.Builder
	sb.WriteString("@HD\tVN:1.6\tSO:coordinate\n")
	for _, r := range refs {
		fmt.Fprintf(&sb, "@SQ\tSN:%s\tLN:%d\n", r.Name, r.Len)
	}
	return Header{Text: sb.String(), Refs: refs}
}

func writeBAM(t testing.TB, recs []Record, conc int) (bamBytes, baiBytes []byte) {
	var b, i bytes.Buffer
	w, err := NewWriter(&b, headerFor(testRefs), Options{Concurrency: conc})
	if err != nil {
		t.Fatal(err)
	}
	for k := range recs {
		if err := w.Write(&recs[k]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteIndex(&i); err != nil {
		t.Fatal(err)
	}
	if w.Size() != int64(b.Len()) {
		t.Errorf("Size() = %d, wrote %d", w.Size(), b.Len())
	}
	return b.Bytes(), i.Bytes()
}

func TestRoundTripBiogo(t *testing.T) {
	for _, withSeq := range []bool{false, true} {
		recs := randomRecords(20000, 1, withSeq)
		data, _ := writeBAM(t, recs, 1)
		r, err := bam.NewReader(bytes.NewReader(data), 1)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; ; k++ {
			got, err := r.Read()
			if err == io.EOF {
				if k != len(recs) {
					t.Fatalf("read %d records, wrote %d", k, len(recs))
				}
				break
			}
			if err != nil {
				t.Fatalf("record %d: %v", k, err)
			}
			want := &recs[k]
			if got.Name != string(want.Name) || got.Pos != want.Pos || int(got.MapQ) != int(want.MapQ) ||
				uint16(got.Flags) != want.Flag || got.End() != want.End() && want.Ref >= 0 {
				t.Fatalf("record %d: got %v, want %+v", k, got, want)
			}
			if string(got.Seq.Expand()) != strings.ToUpper(string(want.Seq)) || !bytes.Equal(got.Qual, want.Qual) && want.Qual != nil {
				t.Fatalf("record %d: sequence or qualities differ", k)
			}
			if len(want.Aux) > 0 && (len(got.AuxFields) != 1 || got.AuxFields[0].Value() != want.Aux[3]) {
				t.Fatalf("record %d: aux %v", k, got.AuxFields)
			}
		}
	}
}

func TestConcurrencyDeterministic(t *testing.T) {
	recs := randomRecords(30000, 2, true)
	a, ai := writeBAM(t, recs, 1)
	b, bi := writeBAM(t, recs, 3)
	if !bytes.Equal(a, b) || !bytes.Equal(ai, bi) {
		t.Error("output depends on concurrency")
	}
}

func TestOutOfOrderRejected(t *testing.T) {
	var b bytes.Buffer
	w, _ := NewWriter(&b, headerFor(testRefs), Options{})
	r1 := Record{Ref: 0, Pos: 100, MateRef: -1, Name: []byte("a"), Cigar: []uint32{Cigar(CigarMatch, 10)}}
	r2 := r1
	r2.Pos = 50
	if err := w.Write(&r1); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&r2); err == nil {
		t.Error("unsorted record accepted")
	}
	r3 := r1
	r3.Name = nil
	if err := w.Write(&r3); err == nil {
		t.Error("empty name accepted")
	}
}

func samtools(t *testing.T) string {
	p, err := exec.LookPath("samtools")
	if err != nil {
		t.Skip("samtools not on PATH: skipping the samtools cross-checks")
	}
	return p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// TestSamtools checks the file and its index with samtools: quickcheck,
// idxstats (read from our index's pseudo-bins) and region queries (which use
// our bins and linear index) against a brute-force overlap count.
func TestSamtools(t *testing.T) {
	st := samtools(t)
	recs := randomRecords(50000, 3, false)
	data, bai := writeBAM(t, recs, 2)
	dir := t.TempDir()
	p := filepath.Join(dir, "x.bam")
	os.WriteFile(p, data, 0o644)
	os.WriteFile(p+".bai", bai, 0o644)
	run(t, st, "quickcheck", "-v", p)

	mapped := make([]int, len(testRefs))
	for _, r := range recs {
		if r.Ref >= 0 {
			mapped[r.Ref]++
		}
	}
	lines := strings.Split(strings.TrimSpace(run(t, st, "idxstats", p)), "\n")
	if len(lines) != len(testRefs)+1 {
		t.Fatalf("idxstats: %q", lines)
	}
	for i, l := range lines[:len(testRefs)] {
		f := strings.Fields(l)
		if f[0] != testRefs[i].Name || f[2] != strconv.Itoa(mapped[i]) {
			t.Errorf("idxstats line %q, want %s with %d mapped", l, testRefs[i].Name, mapped[i])
		}
	}
	if f := strings.Fields(lines[len(testRefs)]); f[0] != "*" || f[3] != "5" {
		t.Errorf("idxstats unplaced line %q, want 5", lines[len(testRefs)])
	}

	rng := rand.New(rand.NewPCG(9, 9))
	for range 25 {
		ref := []int{0, 1, 2, 3}[rng.IntN(4)]
		beg := rng.IntN(testRefs[ref].Len)
		end := min(beg+1+rng.IntN(200000), testRefs[ref].Len)
		want := 0
		for k := range recs {
			r := &recs[k]
			if r.Ref == ref && r.Pos < end && r.End() > beg {
				want++
			}
		}
		region := fmt.Sprintf("%s:%d-%d", testRefs[ref].Name, beg+1, end)
		got := strings.TrimSpace(run(t, st, "view", "-c", p, region))
		if got != strconv.Itoa(want) {
			t.Errorf("region %s: samtools counts %s, brute force %d", region, got, want)
		}
	}
	// samtools' own index must agree with ours on the same queries.
	if got := strings.TrimSpace(run(t, st, "view", "-c", p)); got != strconv.Itoa(len(recs)) {
		t.Errorf("view -c = %s, want %d", got, len(recs))
	}
}

// cpuTime is the process's user+system CPU time: on a shared machine CPU
// seconds per record stay meaningful when wall time does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWriteNoSeq writes 200,000 SEQ-less paired records (encoding,
// compression, index) to io.Discard.
func BenchmarkWriteNoSeq(b *testing.B) {
	recs := randomRecords(200000, 4, false)
	for k := range recs {
		recs[k].Cigar = []uint32{Cigar(CigarMatch, 50)}
		recs[k].Flag |= 0x1 | 0x2 | 0x40
		recs[k].MateRef, recs[k].MatePos, recs[k].TLen = recs[k].Ref, recs[k].Pos+100, 150
		recs[k].Aux = nil
	}
	for _, conc := range []int{1, 2} {
		b.Run(fmt.Sprintf("conc%d", conc), func(b *testing.B) {
			var n int64
			c0 := cpuTime()
			for b.Loop() {
				w, _ := NewWriter(io.Discard, headerFor(testRefs), Options{Concurrency: conc})
				for k := range recs {
					w.Write(&recs[k])
				}
				w.Close()
				w.WriteIndex(io.Discard)
				n += int64(len(recs))
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds()/1e6, "Mrec/s")
			b.ReportMetric(float64(n)/(cpuTime()-c0).Seconds()/1e6, "Mrec/cpu-s")
		})
	}
}
