package bgzf

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

// deflateInputs are streams of every block type and many match shapes.
func deflateInputs(t testing.TB) map[string][]byte {
	rng := rand.New(rand.NewPCG(21, 21))
	runs := make([]byte, 50_000) // long runs: overlapping copies, distance 1
	for i := 0; i < len(runs); {
		n := 1 + rng.IntN(300)
		c := byte(rng.IntN(4))
		for j := 0; j < n && i < len(runs); j++ {
			runs[i] = "ACGT"[c]
			i++
		}
	}
	random := make([]byte, 40_000) // incompressible: stored blocks at level 0..9
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	periodic := bytes.Repeat([]byte("ACGTTGCAAC"), 6000) // short distances
	return map[string][]byte{
		"empty": nil, "one byte": {'x'}, "text": testData(60_000, 1), "runs": runs,
		"random": random, "periodic": periodic,
	}
}

func TestFastInflater(t *testing.T) {
	inf := NewFastInflater()
	for name, data := range deflateInputs(t) {
		for _, level := range []int{flate.NoCompression, flate.BestSpeed, 5, flate.BestCompression, flate.HuffmanOnly} {
			src := deflate(t, data, level)
			dst := make([]byte, len(data))
			if err := inf.Inflate(dst, src); err != nil {
				t.Fatalf("%s level %d: %v", name, level, err)
			}
			if !bytes.Equal(dst, data) {
				t.Fatalf("%s level %d: output differs", name, level)
			}
			// Every truncation must fail, never panic.
			for cut := 0; cut < len(src); cut += 1 + len(src)/50 {
				if err := inf.Inflate(make([]byte, len(data)), src[:cut]); err == nil && len(data) > 0 {
					t.Fatalf("%s level %d: cut at %d accepted", name, level, cut)
				}
			}
		}
	}
}

// TestFixedHuffman covers the fixed code (BTYPE 01), which compress/flate
// emits only for short inputs.
func TestFixedHuffman(t *testing.T) {
	inf := NewFastInflater()
	for _, s := range []string{"a", "hello hello hello hello", "ACGTACGTACGTAAAAAAAAAAAAAAAAAAAAAAAAC"} {
		src := deflate(t, []byte(s), flate.BestCompression)
		if src[0]>>1&3 != 1 {
			t.Logf("%q: block type %d, not fixed", s, src[0]>>1&3)
		}
		dst := make([]byte, len(s))
		if err := inf.Inflate(dst, src); err != nil || string(dst) != s {
			t.Errorf("%q: %q %v", s, dst, err)
		}
	}
}

func TestFastInflaterCorrupt(t *testing.T) {
	inf := NewFastInflater()
	for name, src := range map[string][]byte{
		"reserved block type": {0x07},
		"stored NLEN wrong":   {0x01, 0x05, 0x00, 0x00, 0x00, 'a', 'b', 'c', 'd', 'e'},
		"stored too long":     {0x01, 0x05, 0x00, 0xfa, 0xff, 'a'},
		"distance too far":    deflateFarCopy(),
	} {
		if err := inf.Inflate(make([]byte, 5), src); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: error %v", name, err)
		}
	}
}

// deflateFarCopy is a fixed-code block whose first symbol is a match, i.e.
// a back-reference before the start of the output.
func deflateFarCopy() []byte {
	// BFINAL=1, BTYPE=01, then length code 257 (7 bits 0000001, sent
	// MSB first), distance code 0 (5 bits 00000), end of block.
	var w bitWriter
	w.write(1, 1)
	w.write(1, 2)
	w.writeCode(0b0000001, 7)
	w.writeCode(0, 5)
	w.writeCode(0, 7)
	return w.bytes()
}

type bitWriter struct {
	b    []byte
	bits uint
	n    uint
}

func (w *bitWriter) write(v, n uint) {
	w.bits |= v << w.n
	w.n += n
	for w.n >= 8 {
		w.b = append(w.b, byte(w.bits))
		w.bits >>= 8
		w.n -= 8
	}
}

// writeCode writes a Huffman code most significant bit first.
func (w *bitWriter) writeCode(c, n uint) { w.write(reverse(c, n), n) }

func (w *bitWriter) bytes() []byte {
	if w.n > 0 {
		return append(w.b, byte(w.bits))
	}
	return w.b
}

// FuzzInflate compares the fast inflater with compress/flate on arbitrary
// input: both must accept the same streams (of the given size) with the
// same output; the fast inflater must never panic.
func FuzzInflate(f *testing.F) {
	for _, data := range deflateInputs(f) {
		if len(data) > 2000 {
			data = data[:2000]
		}
		f.Add(deflate(f, data, flate.BestSpeed), len(data))
		f.Add(deflate(f, data, flate.NoCompression), len(data))
	}
	f.Fuzz(func(t *testing.T, src []byte, size int) {
		if size < 0 || size > MaxBlockSize {
			return
		}
		want, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(src)), MaxBlockSize+1))
		dst := make([]byte, size)
		ferr := NewFastInflater().Inflate(dst, src)
		if err == nil && len(want) == size {
			if ferr != nil {
				t.Fatalf("compress/flate decodes %d bytes, fast inflater fails: %v", size, ferr)
			}
			if !bytes.Equal(dst, want) {
				t.Fatal("outputs differ")
			}
		}
		if ferr == nil && (err != nil || len(want) != size) {
			t.Fatalf("fast inflater accepts what compress/flate refuses (%v, %d of %d bytes)", err, len(want), size)
		}
	})
}
