package pdffont

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/go-fonts/liberation/liberationsansregular"
)

// DroidFallback is the CJK font of Debian's fonts-droid-fallback package.
const DroidFallback = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

func TestParse(t *testing.T) {
	lib := liberationsansregular.TTF
	withTag := func(tag string) []byte { return append([]byte(tag), lib[4:]...) }
	for _, tc := range []struct {
		name string
		data []byte
		want string // error substring; "" = valid
	}{
		{"liberation sans", lib, ""},
		{"empty", nil, "too short"},
		{"text", []byte("this is not a font at all"), "unknown sfnt version"},
		{"cff", withTag("OTTO"), "CFF"},
		{"collection", withTag("ttcf"), "collection (.ttc)"},
		{"truncated header", lib[:12], "not a valid TrueType font"},
		{"truncated tables", lib[:len(lib)/3], "not a valid TrueType font"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.data)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("valid font refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			case tc.want == "" && (!f.Has('A') || f.Has('中')):
				t.Errorf("Liberation Sans: Has('A') = %v, Has('中') = %v", f.Has('A'), f.Has('中'))
			}
		})
	}
}

// TestParseDamaged: no truncation or corrupted byte makes Parse panic;
// each either parses or returns an error.
func TestParseDamaged(t *testing.T) {
	lib := liberationsansregular.TTF
	n := 0
	for cut := 16; cut < len(lib); cut += len(lib) / 17 {
		if _, err := Parse(lib[:cut]); err == nil {
			n++
		}
	}
	for _, off := range []int{4, 12, 28, 100, 300} { // table directory entries
		bad := append([]byte(nil), lib...)
		bad[off] ^= 0xff
		_, _ = Parse(bad)
	}
	if n > 0 {
		t.Errorf("%d truncated fonts accepted", n)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.ttf")
	if err := os.WriteFile(good, liberationsansregular.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.ttf")
	if err := os.WriteFile(bad, []byte("<html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if f, err := Load(good); err != nil || f.Path != good || len(f.Data) != len(liberationsansregular.TTF) {
		t.Fatalf("Load(good): %v", err)
	}
	for _, p := range []string{bad, dir, filepath.Join(dir, "missing.ttf")} {
		if _, err := Load(p); err == nil || !strings.Contains(err.Error(), filepath.Base(p)) {
			t.Errorf("Load(%s): error %v, want one naming the file", p, err)
		}
	}
}

func TestDroidFallback(t *testing.T) {
	if _, err := os.Stat(DroidFallback); err != nil {
		t.Skipf("%s absent (Debian package fonts-droid-fallback): skipping", DroidFallback)
	}
	f, err := Load(DroidFallback)
	if err != nil {
		t.Fatal(err)
	}
	// A CJK fallback font: Han characters but no Latin letters.
	for r, want := range map[rune]bool{'某': true, '医': true, '，': true, 'A': false} {
		if f.Has(r) != want {
			t.Errorf("Has(%q) = %v, want %v", r, !want, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(liberationsansregular.TTF[:64])
	f.Add([]byte("OTTO\x00\x01\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00glyf\x00\x00\x00\x00\x00\x00\x00\x10\x00\x00\x00\x10"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Parse(data) // must not panic
	})
}
