package bam

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	hbgzf "github.com/biogo/hts/bgzf"
	"github.com/biogo/hts/sam"
	"github.com/nipt/nipt/internal/bam/bgzf"
)

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func bgz(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	w := hbgzf.NewWriter(&buf, 1)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestOpenFormats(t *testing.T) {
	h := testHeader(t)
	recs := randomRecords(t, h, 300, 6)
	bamData := writeBAM(t, h, recs)
	zr, _ := gzip.NewReader(bytes.NewReader(bamData))
	rawBAM, _ := io.ReadAll(zr)
	var samText bytes.Buffer
	w, _ := sam.NewWriter(&samText, h, sam.FlagDecimal)
	for _, r := range recs {
		w.Write(r)
	}
	for _, tc := range []struct {
		name, format string
		in           []byte
	}{
		{"bgzf bam", "bam", bamData},
		{"uncompressed bam", "bam", rawBAM},
		{"gzip bam", "bam", gz(rawBAM)},
		{"sam", "sam", samText.Bytes()},
		{"bgzf sam", "sam", bgz(t, samText.Bytes())},
		{"gzip sam", "sam", gz(samText.Bytes())},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rd, err := Open(bytes.NewReader(tc.in), Options{Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			if rd.Format() != tc.format {
				t.Errorf("format %s, want %s", rd.Format(), tc.format)
			}
			checkAll(t, rd, bamData)
		})
	}
}

// TestOpenLongReadName: a headerless SAM line whose read name runs past
// the 18 bytes a BGZF sniff needs is still SAM, and a line of text without
// a tab is not.
func TestOpenLongReadName(t *testing.T) {
	line := strings.Repeat("x", 60) + "\t4\t*\t0\t0\t*\t*\t0\t0\tACGT\tIIII\n"
	rd, err := Open(strings.NewReader(line), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if rd.Format() != "sam" {
		t.Errorf("format %s, want sam", rd.Format())
	}
	if _, err := Open(strings.NewReader(strings.Repeat("x", 60)+"\n"), Options{}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("text line: error %v, want %v", err, ErrUnknownFormat)
	}
}

func TestOpenBadInput(t *testing.T) {
	h := testHeader(t)
	bamData := writeBAM(t, h, randomRecords(t, h, 2000, 7))
	for _, tc := range []struct {
		name string
		in   []byte
		want error // nil: any error
	}{
		{"empty", nil, ErrEmpty},
		{"binary junk", []byte{0, 1, 2, 3, 4, 200, 6, 7, 8, 9}, ErrUnknownFormat},
		{"a line of text", []byte("hello\nworld\n"), ErrUnknownFormat},
		{"bgzf of junk", bgz(t, []byte{0, 1, 2, 250, 9}), ErrUnknownFormat},
		{"empty bgzf", bgz(t, nil), ErrEmpty},
		{"no EOF block", bamData[:len(bamData)-28], bgzf.ErrNoEOF},
		{"cut mid block", bamData[:len(bamData)/2], bgzf.ErrTruncated},
		{"cut in header", bamData[:40], nil},
		{"uncompressed, cut in record", gzipCut(t, bamData), ErrTruncatedRecord},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rd, err := Open(bytes.NewReader(tc.in), Options{Threads: 2})
			if err == nil {
				for rd.Next() {
				}
				err = rd.Err()
				rd.Close()
			}
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
}

// gzipCut returns the uncompressed BAM cut 10 bytes into its last record.
func gzipCut(t *testing.T, bamData []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(bamData))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(zr)
	return raw[:len(raw)-10]
}

func TestCRAM(t *testing.T) {
	samtools, err := exec.LookPath("samtools")
	if err != nil {
		t.Skip("samtools not on PATH: skipping the CRAM test")
	}
	h := testHeader(t)
	recs := randomRecords(t, h, 400, 8)
	for _, r := range recs {
		// CRAM stores only consistent records; keep the fields we decode
		// valid for it: mapped with a CIGAR matching the sequence.
		r.Cigar = []sam.CigarOp{sam.NewCigarOp(sam.CigarMatch, max(r.Seq.Length, 1))}
		if r.Seq.Length == 0 {
			r.Cigar = nil
		}
		if r.Ref == nil {
			r.Flags |= sam.Unmapped
		}
		if r.MateRef == nil && r.Flags&sam.Paired != 0 {
			r.Flags |= sam.MateUnmapped
		}
	}
	dir := t.TempDir()
	bamPath := filepath.Join(dir, "x.bam")
	cramPath := filepath.Join(dir, "x.cram")
	bamData := writeBAM(t, h, recs)
	os.WriteFile(bamPath, bamData, 0o644)
	// no_ref: sequences stored verbatim, so decoding needs no FASTA.
	if out, err := exec.Command(samtools, "view", "-C", "--output-fmt-option", "no_ref=1", "-o", cramPath, bamPath).CombinedOutput(); err != nil {
		t.Skipf("samtools cannot write CRAM here: %v %s", err, out)
	}
	// Compare with samtools' own BAM rendering of the CRAM, since CRAM may
	// normalise fields (e.g. TLEN, mate fields) of inconsistent records.
	back, err := exec.Command(samtools, "view", "-b", cramPath).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, back)
	}
	f, err := os.Open(cramPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := Open(f, Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if rd.Format() != "cram" {
		t.Errorf("format %s", rd.Format())
	}
	checkAll(t, rd, back)

	// A corrupt CRAM surfaces samtools' message.
	data, _ := os.ReadFile(cramPath)
	rd2, err := Open(bytes.NewReader(data[:len(data)/2]), Options{})
	if err == nil {
		for rd2.Next() {
		}
		err = rd2.Err()
		rd2.Close()
	}
	if err == nil {
		t.Error("truncated CRAM accepted")
	}
}

func TestCRAMWithoutSamtools(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Open(bytes.NewReader([]byte("CRAM\x03\x00rest of a cram file")), Options{})
	if !errors.Is(err, ErrNoSamtools) {
		t.Fatalf("error %v, want ErrNoSamtools", err)
	}
}

// TestCRAMDecoderStopsSamtools: when the decoder gives up on samtools'
// output while samtools is still writing (here a stand-in that writes
// forever), the reader must stop it and report the decoding error, not
// block on a full pipe waiting for it to exit.
func TestCRAMDecoderStopsSamtools(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the samtools stand-in is a shell script")
	}
	for _, tc := range []struct {
		name, script string
		want         error
	}{
		{"not an alignment stream", "exec cat /dev/zero\n", ErrUnknownFormat},                                 // fails in Open
		{"bad SAM lines", "printf '@SQ\\tSN:chr1\\tLN:1000\\n'; exec yes \"$(printf 'r\\tx')\"\n", ErrBadSAM}, // fails in Next
	} {
		t.Run(tc.name, func(t *testing.T) {
			exe := filepath.Join(t.TempDir(), "samtools")
			if err := os.WriteFile(exe, []byte("#!/bin/sh\n"+tc.script), 0o755); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				rd, err := Open(bytes.NewReader([]byte("CRAM\x03\x00rest of a cram file")), Options{Samtools: exe})
				if err == nil {
					for rd.Next() {
					}
					err = rd.Err()
					rd.Close()
				}
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, tc.want) {
					t.Errorf("error %v, want %v", err, tc.want)
				}
			case <-time.After(20 * time.Second): // the fix returns at once; a hang never does
				t.Fatal("reader blocked waiting for samtools")
			}
		})
	}
}

// The files given in an alignment file's place most often are named for
// what they are.
func TestOpenNamesWhatItIs(t *testing.T) {
	fq := []byte("@SRR001.1 read\nACGTNACGT\n+\nIIIIIIIII\n")
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"fastq", fq, "FASTQ"},
		{"gzipped fastq", gz(fq), "FASTQ"},
		{"fasta", []byte(">chr1\nACGT\n"), "FASTA"},
		{"counts file", []byte("PK\x03\x04\x14\x00\x00\x00"), "counts file"},
		{"reference", []byte("#nipt-reference\t5\n#sha256:00\n"), "--reference"},
		{"two-field text", []byte("a\tb\nc\td\n"), "starts with bytes"},
	} {
		_, err := Open(bytes.NewReader(tc.in), Options{})
		if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %v naming %q", tc.name, err, ErrUnknownFormat, tc.want)
		}
	}
}
