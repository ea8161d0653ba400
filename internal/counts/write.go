package counts

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"time"

	"github.com/nipt/nipt/internal/atomicfile"
	"github.com/nipt/nipt/internal/genome"
)

// zipComment marks nipt counts archives (readable with unzip -z).
const zipComment = "nipt-counts format 1: NumPy .npz; see docs/format-counts.md"

// zipTime is the fixed modification time of every member, so that the same
// counts give byte-identical files (the earliest time a zip can record).
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Write encodes c as a counts file (an uncompressed NumPy .npz archive) to w.
// threads is accepted for API stability; encoding is memory-bound.
func Write(w io.Writer, c *Counts, threads int) error {
	_ = threads
	if err := c.Validate(); err != nil {
		return err
	}
	h := c.Header
	h.Format, h.FormatVersion = FormatName, FormatVersion
	js, err := json.Marshal(&h)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	members := []struct {
		name string
		data []byte
	}{
		{"header.npy", encodeString(string(js))},
		{"chrom_offsets.npy", encodeInt64(offsets(c.Layout))},
		{"reads.npy", encodeUint32(c.Reads)},
	}
	if c.Short != nil {
		members = append(members, struct {
			name string
			data []byte
		}{"short.npy", encodeUint32(c.Short)})
	}
	for _, m := range members {
		fh := &zip.FileHeader{
			Name:               m.name,
			Method:             zip.Store,
			Modified:           zipTime,
			CRC32:              crc32.ChecksumIEEE(m.data),
			CompressedSize64:   uint64(len(m.data)),
			UncompressedSize64: uint64(len(m.data)),
		}
		fw, err := zw.CreateRaw(fh)
		if err != nil {
			return err
		}
		if _, err := fw.Write(m.data); err != nil {
			return err
		}
	}
	if err := zw.SetComment(zipComment); err != nil {
		return err
	}
	return zw.Close()
}

func offsets(l *genome.Layout) []int64 {
	o := make([]int64, len(l.Offset))
	for i, v := range l.Offset {
		o[i] = int64(v)
	}
	return o
}

// WriteFile writes c to path atomically (no partial file on failure).
func WriteFile(path string, c *Counts, threads int) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := Write(f, c, threads); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Commit()
}
