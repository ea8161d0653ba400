package count

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"path/filepath"
	"strings"
)

// hashingReader hashes and counts every byte read through it, so the
// counts header records the SHA-256 and size of exactly the bytes that were
// counted, for files and standard input alike.
type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func newHashingReader(r io.Reader) *hashingReader {
	return &hashingReader{r: r, h: sha256.New()}
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}

// finish reads whatever the decoder left unread (nothing, for well-formed
// input) and returns the size and hex SHA-256 of the whole stream.
func (h *hashingReader) finish() (int64, string, error) {
	if _, err := io.Copy(io.Discard, h); err != nil {
		return 0, "", err
	}
	return h.n, hex.EncodeToString(h.h.Sum(nil)), nil
}

// sampleFromName derives a sample ID from an input path: the base name
// without alignment-file extensions ("/x/S01.sorted.bam" → "S01.sorted").
func sampleFromName(name string) string {
	if name == "" || name == "-" {
		return ""
	}
	b := filepath.Base(name)
	for _, ext := range []string{".gz", ".bam", ".cram", ".sam"} {
		b = strings.TrimSuffix(b, ext)
	}
	return b
}
