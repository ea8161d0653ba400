package evaluate

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFiles(t *testing.T) {
	rep := loadTestdata(t, Options{})
	dirs := []string{filepath.Join(t.TempDir(), "a", "new"), filepath.Join(t.TempDir(), "b")}
	for _, dir := range dirs {
		files, err := rep.WriteFiles(dir)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{JSONFile, ROCPlotFile, FFPlotFile, Z21PlotFile}; len(files) != len(want) {
			t.Fatalf("files %v, want %v", files, want)
		}
	}
	for _, name := range []string{ROCPlotFile, FFPlotFile, Z21PlotFile} {
		a, err := os.ReadFile(filepath.Join(dirs[0], name))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dirs[1], name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two writes", name)
		}
		img, err := png.Decode(bytes.NewReader(a))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// 16 × 12 cm at gonum/plot's 96 dpi default: 605 × 454 pixels.
		if sz := img.Bounds().Size(); sz.X < 550 || sz.X > 650 || sz.Y < 400 || sz.Y > 500 {
			t.Errorf("%s: size %v", name, sz)
		}
		if n := coloured(img); n < 200 {
			t.Errorf("%s: only %d coloured pixels, the data is not drawn", name, n)
		}
	}
	// Leftover temporary files would mean a non-atomic write.
	entries, _ := os.ReadDir(dirs[0])
	if len(entries) != 4 {
		t.Errorf("%d entries in the output directory, want 4", len(entries))
	}
}

// coloured counts clearly non-grey pixels: the data glyphs and curves
// (axes, text and the reference lines are black or grey).
func coloured(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			hi, lo := max(r, g, bl), min(r, g, bl)
			if hi-lo > 0x3000 {
				n++
			}
		}
	}
	return n
}

func TestWritePlotsWithoutData(t *testing.T) {
	truth := []Truth{{Sample: "A", Test: true, FF: 0.1, Mosaic: 1}}
	rep, err := Evaluate(truth, loadSummary(t, "sample\tcall21\nA\tlow_risk\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, err := rep.WritePlots(dir)
	if err != nil || len(files) != 0 {
		t.Errorf("files %v, err %v; want none", files, err)
	}
}
