package counts

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"

	"github.com/nipt/nipt/internal/filekind"
)

// ErrNotCounts is returned for input that is not a nipt counts file.
var ErrNotCounts = errors.New("not a nipt counts file")

// notCounts explains why data, which the zip reader refused with err, is
// not a counts file, naming the kinds of file given in its place most often.
func notCounts(data []byte, err error) error {
	switch k := filekind.Sniff(data); k {
	case filekind.Empty:
		return fmt.Errorf("%w: the file is empty (make counts files with nipt count)", ErrNotCounts)
	case filekind.Reference:
		return fmt.Errorf("%w: it is %s: give it with --reference, and counts files (nipt count) as the arguments", ErrNotCounts, k)
	case filekind.Compressed, filekind.CRAM, filekind.SAM:
		return fmt.Errorf("%w: it is %s; an alignment file is counted first with nipt count", ErrNotCounts, k)
	case filekind.FASTQ:
		return fmt.Errorf("%w: it is %s: align the reads, then count them with nipt count", ErrNotCounts, k)
	}
	return fmt.Errorf("%w: %v (make counts files with nipt count)", ErrNotCounts, err)
}

// ReadFile reads a counts file from disk.
func ReadFile(path string) (*Counts, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ReadHeaderFile reads only the header of a counts file.
func ReadHeaderFile(path string) (*Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		var head [filekind.Prefix]byte
		n, _ := f.ReadAt(head[:], 0)
		return nil, fmt.Errorf("%s: %w", path, notCounts(head[:n], err))
	}
	h, err := readHeader(zr, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}

// Read decodes a counts file.
func Read(r io.Reader) (*Counts, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return decode(data)
}

func decode(data []byte) (*Counts, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, notCounts(data, err)
	}
	h, err := readHeader(zr, data)
	if err != nil {
		return nil, err
	}
	l, err := h.Layout()
	if err != nil {
		return nil, fmt.Errorf("bad header: %w", err)
	}
	c := &Counts{Header: *h, Layout: l, Reads: make([]uint32, l.NumBins())}
	if err := readArray(zr, data, "reads.npy", c.Reads); err != nil {
		return nil, err
	}
	_, hasShort := member(zr, "short.npy")
	if h.Paired != hasShort {
		return nil, fmt.Errorf("header says paired=%v but short.npy present=%v", h.Paired, hasShort)
	}
	if hasShort {
		c.Short = make([]uint32, l.NumBins())
		if err := readArray(zr, data, "short.npy", c.Short); err != nil {
			return nil, err
		}
	}
	return c, c.Validate()
}

func member(zr *zip.Reader, name string) (*zip.File, bool) {
	for _, f := range zr.File {
		if f.Name == name {
			return f, true
		}
	}
	return nil, false
}

// readMember returns the CRC-verified bytes of a member. Stored members (as
// nipt and numpy.savez write them) are returned as a sub-slice of data
// without copying; compressed ones (numpy.savez_compressed) are inflated.
//
// limit bounds the member's size (what the layout allows it to hold), so
// that a damaged zip directory declaring gigabytes is refused before
// anything is allocated; a compressed member must also be one that DEFLATE
// could have made from its compressed bytes (at most 1032:1).
func readMember(zr *zip.Reader, data []byte, name string, limit uint64) ([]byte, error) {
	f, ok := member(zr, name)
	if !ok {
		return nil, fmt.Errorf("%w: no %s member", ErrNotCounts, name)
	}
	if f.UncompressedSize64 > limit {
		return nil, fmt.Errorf("%s: member of %d bytes, more than the %d its layout holds (the file is corrupt)", name, f.UncompressedSize64, limit)
	}
	if f.Method != zip.Store && f.UncompressedSize64 > 1032*f.CompressedSize64+1024 {
		return nil, fmt.Errorf("%s: %d bytes cannot inflate to the %d declared (the file is corrupt)", name, f.CompressedSize64, f.UncompressedSize64)
	}
	if f.Method == zip.Store && data != nil {
		off, err := f.DataOffset()
		if err != nil || off < 0 || off+int64(f.CompressedSize64) > int64(len(data)) || f.CompressedSize64 != f.UncompressedSize64 {
			return nil, fmt.Errorf("%s: the file is truncated or corrupt", name)
		}
		b := data[off : off+int64(f.CompressedSize64)]
		if crc32.ChecksumIEEE(b) != f.CRC32 {
			return nil, fmt.Errorf("%s: checksum mismatch (the file is corrupt)", name)
		}
		return b, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer rc.Close()
	b := make([]byte, f.UncompressedSize64)
	if _, err := io.ReadFull(rc, b); err != nil {
		return nil, fmt.Errorf("%s: %w (the file is truncated or corrupt)", name, err)
	}
	// Reading to EOF makes archive/zip verify the CRC-32.
	if _, err := rc.Read(make([]byte, 1)); err != io.EOF {
		return nil, fmt.Errorf("%s: %v (the file is corrupt)", name, err)
	}
	return b, nil
}

// Size bounds of the members: the JSON header (with its fragment-length
// histograms) is tens of kilobytes; an npy array's own header is at most
// npyMaxHeader bytes before its data.
const (
	maxHeader    = 64 << 20
	npyMaxHeader = 1 << 17
)

func readHeader(zr *zip.Reader, data []byte) (*Header, error) {
	b, err := readMember(zr, data, "header.npy", maxHeader)
	if err != nil {
		return nil, err
	}
	s, err := decodeString(b)
	if err != nil {
		return nil, fmt.Errorf("header.npy: %w", err)
	}
	h := new(Header)
	if err := json.Unmarshal([]byte(s), h); err != nil {
		return nil, fmt.Errorf("bad JSON header: %w", err)
	}
	if h.Format != FormatName {
		return nil, fmt.Errorf("%w: header names format %q", ErrNotCounts, h.Format)
	}
	if h.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("counts format version %d is not supported by this nipt (reads version %d): recount with this version of nipt", h.FormatVersion, FormatVersion)
	}
	// Checked here, not only with the layout, so that a damaged header is
	// refused before anything divides by its bin size.
	if h.BinSize < 100 || h.BinSize > 100_000_000 {
		return nil, fmt.Errorf("%w: header bin size %d out of range (100 b to 100 Mb): the file is damaged; recount with nipt count", ErrNotCounts, h.BinSize)
	}
	return h, nil
}

func readArray(zr *zip.Reader, data []byte, name string, dst []uint32) error {
	b, err := readMember(zr, data, name, npyMaxHeader+4*uint64(len(dst)))
	if err != nil {
		return err
	}
	if err := decodeUint32(b, dst); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
