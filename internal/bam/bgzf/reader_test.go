package bgzf

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	hbgzf "github.com/biogo/hts/bgzf"
)

// testData returns n bytes of compressible pseudo-random text (seeded).
func testData(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = "ACGT\t\n0123"[rng.IntN(10)]
	}
	return b
}

// compress writes data as BGZF with biogo/hts, flushing every flushEvery
// bytes (0: only at the end) so that blocks of many sizes occur.
func compress(t testing.TB, data []byte, flushEvery int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := hbgzf.NewWriter(&buf, 1)
	for len(data) > 0 {
		n := len(data)
		if flushEvery > 0 {
			n = min(n, flushEvery)
		}
		if _, err := w.Write(data[:n]); err != nil {
			t.Fatal(err)
		}
		if flushEvery > 0 {
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
		}
		data = data[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReaderRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n       int
		flush   int
		threads int
	}{
		{"empty", 0, 0, 1},
		{"one byte", 1, 0, 2},
		{"one block", 1000, 0, 1},
		{"many blocks", 1 << 20, 0, 3},
		{"small flushes", 200_000, 777, 2},
		{"flush at block size", 300_000, 65536, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := testData(tc.n, uint64(tc.n))
			z := NewReader(bytes.NewReader(compress(t, data, tc.flush)), Options{Threads: tc.threads})
			defer z.Close()
			got, err := io.ReadAll(z)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("got %d bytes, want %d (content differs)", len(got), len(data))
			}
		})
	}
}

func TestReaderBlocksInOrder(t *testing.T) {
	// Blocks of distinct sizes must come back in order even though they are
	// inflated concurrently.
	data := testData(500_000, 3)
	z := NewReader(bytes.NewReader(compress(t, data, 1234)), Options{Threads: 4})
	defer z.Close()
	var got []byte
	for {
		b, err := z.Block()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 {
			t.Fatal("empty block returned")
		}
		got = append(got, b...)
	}
	if !bytes.Equal(got, data) {
		t.Fatal("blocks out of order or corrupted")
	}
	if z.Blocks < 400 {
		t.Errorf("only %d blocks; the test wants many small ones", z.Blocks)
	}
}

func TestReaderBadInput(t *testing.T) {
	good := compress(t, testData(200_000, 5), 0)
	eofLen := 28 // the EOF marker member (SAM spec §4.1.2)
	corruptCRC := bytes.Clone(good)
	// The first block's CRC sits 8 bytes before its end.
	size := int(corruptCRC[16]) | int(corruptCRC[17])<<8 + 1
	corruptCRC[size-8] ^= 0xff
	corruptData := bytes.Clone(good)
	corruptData[30] ^= 0x55
	for _, tc := range []struct {
		name string
		in   []byte
		want error
	}{
		{"no EOF marker", good[:len(good)-eofLen], ErrNoEOF},
		{"cut mid block", good[:len(good)/2], ErrTruncated},
		{"cut in header", good[:5], ErrTruncated},
		{"bad CRC", corruptCRC, ErrCorrupt},
		{"bad deflate data", corruptData, ErrCorrupt},
		{"not gzip", []byte("this is not a BGZF file at all, sorry"), ErrCorrupt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z := NewReader(bytes.NewReader(tc.in), Options{Threads: 2})
			defer z.Close()
			_, err := io.ReadAll(z)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
	z := NewReader(bytes.NewReader(good[:len(good)-eofLen]), Options{AllowNoEOF: true})
	if _, err := io.ReadAll(z); err != nil {
		t.Errorf("AllowNoEOF: %v", err)
	}
}

func TestIsBGZF(t *testing.T) {
	good := compress(t, []byte("hello"), 0)
	var gz bytes.Buffer
	// A plain gzip header (RFC 1952 §2.3) without FEXTRA.
	gz.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0})
	for _, tc := range []struct {
		name string
		in   []byte
		want bool
	}{
		{"bgzf", good, true},
		{"gzip", gz.Bytes(), false},
		{"short", good[:10], false},
		{"text", []byte("@HD\tVN:1.6\tSO:coordinate\n"), false},
	} {
		if got := IsBGZF(tc.in); got != tc.want {
			t.Errorf("%s: IsBGZF = %v", tc.name, got)
		}
	}
}

func TestCloseEarly(t *testing.T) {
	z := NewReader(bytes.NewReader(compress(t, testData(1<<20, 9), 0)), Options{Threads: 2})
	if _, err := z.Block(); err != nil {
		t.Fatal(err)
	}
	z.Close()
	if _, err := z.Block(); err == nil {
		t.Error("Block after Close succeeded")
	}
}
