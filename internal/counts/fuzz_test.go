package counts

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
)

// FuzzRead: any bytes give a counts file or an error, never a panic or a
// huge allocation; a file it accepts has one count per bin of its layout
// (and one short count per bin when paired).
func FuzzRead(f *testing.F) {
	for _, paired := range []bool{false, true} {
		var b bytes.Buffer
		if err := Write(&b, sample(f, paired, 50_000_000), 1); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		if len(c.Reads) != c.Layout.NumBins() || (c.Header.Paired && len(c.Short) != len(c.Reads)) {
			t.Errorf("%d reads, %d short counts for %d bins (paired %v)", len(c.Reads), len(c.Short), c.Layout.NumBins(), c.Header.Paired)
		}
	})
}

// A zip directory that declares a member far larger than its data (or than
// the layout holds) is refused before anything that size is allocated.
func TestReadDeclaredSizes(t *testing.T) {
	var good bytes.Buffer
	if err := Write(&good, sample(t, false, 50_000_000), 1); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(good.Bytes()), int64(good.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		declared uint64
		want     string
	}{
		{"header.npy", 3 << 30, "more than"},
		{"reads.npy", 1 << 30, "more than"},
		{"header.npy", 1 << 20, "cannot inflate"},
	} {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for _, f := range zr.File {
			if f.Name == tc.name {
				w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CompressedSize64: 16, UncompressedSize64: tc.declared})
				if err != nil {
					t.Fatal(err)
				}
				w.Write(make([]byte, 16))
				continue
			}
			w, _ := zw.Create(f.Name)
			rc, _ := f.Open()
			io.Copy(w, rc)
			rc.Close()
		}
		zw.Close()
		if _, err := Read(bytes.NewReader(b.Bytes())); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s declaring %d bytes: error %v, want one saying %q", tc.name, tc.declared, err, tc.want)
		}
	}
}
