package bgzf

import (
	"bytes"
	"compress/flate"
	"testing"
)

func deflate(t testing.TB, data []byte, level int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return buf.Bytes()
}

// inflaters lists every inflater compiled into this build.
func inflaters() map[string]func() Inflater {
	m := map[string]func() Inflater{"compress-flate": NewGoInflater, "nipt": NewFastInflater}
	if InflaterName == "libdeflate" {
		m[InflaterName] = NewInflater
	}
	return m
}

func TestInflaters(t *testing.T) {
	data := testData(60_000, 11)
	for name, mk := range inflaters() {
		inf := mk()
		for _, level := range []int{flate.NoCompression, flate.BestSpeed, flate.DefaultCompression, flate.HuffmanOnly} {
			src := deflate(t, data, level)
			dst := make([]byte, len(data))
			if err := inf.Inflate(dst, src); err != nil {
				t.Fatalf("%s level %d: %v", name, level, err)
			}
			if !bytes.Equal(dst, data) {
				t.Fatalf("%s level %d: wrong output", name, level)
			}
			// Wrong expected sizes must fail in both directions.
			if err := inf.Inflate(make([]byte, len(data)-1), src); err == nil {
				t.Errorf("%s: short destination accepted", name)
			}
			if err := inf.Inflate(make([]byte, len(data)+1), src); err == nil {
				t.Errorf("%s: long destination accepted", name)
			}
		}
		if err := inf.Inflate(make([]byte, 10), []byte{0xff, 0xff, 0xff}); err == nil {
			t.Errorf("%s: garbage accepted", name)
		}
		// An empty stream (as in the EOF marker block) inflates to nothing.
		if err := inf.Inflate(nil, deflate(t, nil, flate.DefaultCompression)); err != nil {
			t.Errorf("%s: empty stream: %v", name, err)
		}
	}
}

func BenchmarkInflate(b *testing.B) {
	data := testData(MaxBlockSize-1024, 13)
	src := deflate(b, data, flate.DefaultCompression)
	dst := make([]byte, len(data))
	for name, mk := range inflaters() {
		b.Run(name, func(b *testing.B) {
			inf := mk()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if err := inf.Inflate(dst, src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkReader(b *testing.B) {
	data := testData(16<<20, 17)
	comp := compress(b, data, 0)
	for name, mk := range inflaters() {
		for _, threads := range []int{1, 2} {
			b.Run(name+"/threads="+string(rune('0'+threads)), func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					z := NewReader(bytes.NewReader(comp), Options{Threads: threads, NewInflater: mk})
					for {
						_, err := z.Block()
						if err != nil {
							break
						}
					}
					z.Close()
				}
			})
		}
	}
}
