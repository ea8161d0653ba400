package refset

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/filekind"
)

// writeFixture writes the fixture's reference to a file and returns its
// path and bytes.
func writeFixture(t *testing.T, f *Fixture) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ref.niptref")
	if err := WriteFile(path, f.Ref); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, b
}

// ReadModelFile reads everything the analysis uses — the same model, the
// same ID — without the samples' stored arrays, and such a reference can
// be neither written nor grown.
func TestReadModelFile(t *testing.T) {
	f := fixtureT(t)
	path, b := writeFixture(t, f)
	if k := filekind.Sniff(b); k != filekind.Reference {
		t.Errorf("a reference is sniffed as %v", k)
	}
	full, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	model, err := ReadModelFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if model.ID != full.ID || model.ID != f.Ref.ID {
		t.Errorf("IDs differ: model-only %s, whole %s, written %s", model.ID, full.ID, f.Ref.ID)
	}
	// The model part of both encodes identically.
	mFull, _, err := full.payload()
	if err != nil {
		t.Fatal(err)
	}
	model.samplesOmitted = false
	for i := range model.Samples {
		model.Samples[i].Rel, model.Samples[i].BinReads, model.Samples[i].BinShort = full.Samples[i].Rel, full.Samples[i].BinReads, full.Samples[i].BinShort
	}
	mModel, _, err := model.payload()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mFull, mModel) {
		t.Error("the model read alone differs from the model read with the samples")
	}
	model, err = ReadModelFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range model.Samples {
		if s.Rel != nil || s.BinReads != nil || s.BinShort != nil {
			t.Fatalf("sample %s has stored arrays after ReadModelFile", s.ID)
		}
	}
	if err := Write(&bytes.Buffer{}, model); err == nil || !strings.Contains(err.Error(), "without its sample profiles") {
		t.Errorf("writing a model-only reference: error %v", err)
	}
	if _, err := Add(context.Background(), model, nil, 1); err == nil || !strings.Contains(err.Error(), "without its sample profiles") {
		t.Errorf("growing a model-only reference: error %v", err)
	}
}

// The model-only reader refuses a file cut anywhere (its size no longer
// matches the header) and a damaged model; damage confined to the sample
// arrays, which it does not read, is found by the whole reader.
func TestReadModelFileDamage(t *testing.T) {
	f := fixtureT(t)
	path, good := writeFixture(t, f)
	dir := filepath.Dir(path)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var zm, pm, zs, ps int
	lines := strings.SplitN(string(good), "\n", 5)
	if _, err := fmt.Sscanf(lines[3], "#sizes:%d %d %d %d", &zm, &pm, &zs, &ps); err != nil {
		t.Fatalf("sizes line %q: %v", lines[3], err)
	}
	header := len(good) - zm - zs
	if header <= 0 || header != len(lines[0])+len(lines[1])+len(lines[2])+len(lines[3])+4 {
		t.Fatalf("header of %d bytes does not add up", header)
	}
	for _, cut := range []int{len(good) - 1, header + zm + zs/2, header + zm, header + zm/2} {
		if _, err := ReadModelFile(write("cut.niptref", good[:cut])); err == nil || !strings.Contains(err.Error(), "truncated") {
			t.Errorf("cut at %d of %d: error %v, want one about truncation", cut, len(good), err)
		}
	}
	// A flipped byte in the model part: refused by both readers.
	p := write("model.niptref", flip(good, header+zm/2))
	if _, err := ReadModelFile(p); err == nil {
		t.Error("damaged model read without error")
	}
	if _, err := ReadFile(p); err == nil {
		t.Error("damaged model read whole without error")
	}
	// A flipped byte in the samples part: only the whole reader sees it.
	p = write("samples.niptref", flip(good, header+zm+zs/2))
	if _, err := ReadModelFile(p); err != nil {
		t.Errorf("model-only read of a file damaged in its sample arrays: %v", err)
	}
	if _, err := ReadFile(p); err == nil || !strings.Contains(err.Error(), "sample profiles") {
		t.Errorf("whole read of a file damaged in its sample arrays: error %v", err)
	}
	// A flipped byte that garbles a section header inside the compressed
	// model: the message stays short (no binary section name dumped).
	for off := header + 100; off < header+zm; off += zm / 50 {
		_, err := ReadModelFile(write("garbled.niptref", flip(good, off)))
		if err == nil {
			t.Errorf("flip at %d read without error", off)
		} else if len(err.Error()) > 300 {
			t.Errorf("flip at %d: error of %d bytes: %.120s…", off, len(err.Error()), err)
		}
	}
	// A counts file, or binary data, given as a reference.
	if _, err := ReadModelFile(write("x.counts", []byte("PK\x03\x04\x14\x00rest of a zip"))); !errors.Is(err, ErrNotReference) || !strings.Contains(err.Error(), "counts file") {
		t.Errorf("counts file as reference: error %v", err)
	}
	if _, err := ReadModelFile(write("bin.niptref", bytes.Repeat([]byte{0xfe}, 5000))); !errors.Is(err, ErrNotReference) || len(err.Error()) > 300 {
		t.Errorf("binary file as reference: error %v", err)
	}
	// A sizes line that does not match the parts.
	bad := bytes.Replace(good, []byte(lines[3]), []byte(fmt.Sprintf("#sizes:%d %d %d %d", zm+1, pm, zs-1, ps)), 1)
	if _, err := ReadModelFile(write("sizes.niptref", bad)); err == nil {
		t.Error("file with wrong part sizes read without error")
	}
}

// Version-4 files (one gzip member, one checksum) are still read, whole,
// by both readers, with the same content as the version-5 file.
func TestReadVersion4(t *testing.T) {
	f := fixtureT(t)
	pm, ps, err := f.Ref.payloadAs(4)
	if err != nil {
		t.Fatal(err)
	}
	p := append(pm, ps...)
	sum := sha256.Sum256(p)
	var b bytes.Buffer
	fmt.Fprintf(&b, "#%s\t4\n#sha256:%s\n", FormatName, hex.EncodeToString(sum[:]))
	zw := gzip.NewWriter(&b)
	zw.Write(p)
	zw.Close()
	path := filepath.Join(t.TempDir(), "v4.niptref")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, read := range map[string]func(string) (*Reference, error){"ReadFile": ReadFile, "ReadModelFile": ReadModelFile} {
		r, err := read(path)
		if err != nil {
			t.Fatalf("%s of a version-4 file: %v", name, err)
		}
		if eq, err := Equal(r, f.Ref); err != nil || !eq {
			t.Errorf("%s of a version-4 file: content differs from the reference written (%v)", name, err)
		}
	}
	if _, err := Read(bytes.NewReader(flip(b.Bytes(), b.Len()-100))); err == nil {
		t.Error("damaged version-4 file read without error")
	}
}
