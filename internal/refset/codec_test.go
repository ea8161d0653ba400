package refset

import (
	"bytes"
	"slices"
	"testing"
)

// The streaming reader decodes every section type the same with and
// without a payload-size hint (or with a wrong one), and a truncated
// payload never reads as whole.
func TestReadSections(t *testing.T) {
	var e encoder
	if err := e.json("meta", map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	e.f64("d", []float64{1.5, -2})
	e.i32("i", []int32{-7, 9})
	e.u8("b", []uint8{3})
	e.f32Parts("f", [][]float32{{0.5}, {1, 2}})
	e.u32Parts("u", [][]uint32{{4_000_000_000}, nil, {5}})
	for _, limit := range []int{0, len(e.buf), 10} {
		secs, err := readSections(bytes.NewReader(e.buf), limit)
		if err != nil {
			t.Fatalf("limit %d: %v", limit, err)
		}
		d := &decoder{secs: secs}
		var m map[string]int
		d.json("meta", &m)
		ok := m["a"] == 1 && slices.Equal(d.f64("d", 2), []float64{1.5, -2}) && slices.Equal(d.i32("i", 2), []int32{-7, 9}) &&
			slices.Equal(d.u8("b", 1), []uint8{3}) && slices.Equal(d.f32("f", 3), []float32{0.5, 1, 2}) &&
			slices.Equal(d.u32("u", 2), []uint32{4_000_000_000, 5})
		if !ok || d.err != nil {
			t.Errorf("limit %d: sections decoded wrong (err %v)", limit, d.err)
		}
	}
	// A cut inside a section is an error; one between sections reads the
	// sections before it (the decoder then reports the missing ones).
	for cut := 1; cut < len(e.buf); cut++ {
		secs, err := readSections(bytes.NewReader(e.buf[:cut]), 0)
		if err == nil && len(secs) >= 6 {
			t.Errorf("payload cut at %d of %d read whole", cut, len(e.buf))
		}
	}
}

// With the payload size known, every section is allocated once at its
// full length: large arrays are not grown (and copied) chunk by chunk.
func TestReadSectionsAllocatesOnce(t *testing.T) {
	var e encoder
	big := make([]float32, 200_000)
	e.f32Parts("a", [][]float32{big})
	e.u32Parts("b", [][]uint32{make([]uint32, 100_000), make([]uint32, 100_000)})
	e.f64("c", make([]float64, 100_000))
	allocs := testing.AllocsPerRun(5, func() {
		if _, err := readSections(bytes.NewReader(e.buf), len(e.buf)); err != nil {
			t.Fatal(err)
		}
	})
	// Per section: its name, its array, its map entry; plus the buffered
	// reader, the chunk and the map. Growing by appends would take dozens.
	if allocs > 16 {
		t.Errorf("readSections made %.0f allocations for 3 sections; want each array allocated once", allocs)
	}
}
