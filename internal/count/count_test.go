package count

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nipt/nipt/internal/bam"
	"github.com/nipt/nipt/internal/bam/bamtest"
	"github.com/nipt/nipt/internal/bam/bgzf"
	"github.com/nipt/nipt/internal/counts"
	"github.com/nipt/nipt/internal/genome"
)

func smallOptions() Options {
	o := DefaultOptions()
	o.BinSize = 1_000_000
	return o
}

func run(t *testing.T, data []byte, name string, mod func(*Options)) (*counts.Counts, error) {
	t.Helper()
	o := smallOptions()
	if mod != nil {
		mod(&o)
	}
	return Count(context.Background(), bytes.NewReader(data), name, o)
}

// simpleBAM writes n single-end reads on chr21 of build b.
func simpleBAM(t *testing.T, b *genome.Build, ho bamtest.HeaderOptions, n int) []byte {
	h := bamtest.Header(t, b, ho)
	var recs []bamtest.Rec
	for i := range n {
		recs = append(recs, bamtest.Rec{Ref: 20, Pos: 10_000_000 + 100*i, MAPQ: 60, MateRef: -1, MatePos: -1, ReadLen: 36})
	}
	return bamtest.BAM(t, h, recs, 3)
}

func TestInputRecorded(t *testing.T) {
	g := genOptions{n: 2000, paired: true}
	h := genHeader(t, g)
	data := bamtest.BAM(t, h, genRecords(t, h, g, 9), 1)
	c, err := run(t, data, "/data/run1/S17.sorted.bam", func(o *Options) { o.Command = "nipt count S17.sorted.bam" })
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	in := c.Header.Input
	if in.SHA256 != hex.EncodeToString(sum[:]) || in.Bytes != int64(len(data)) || in.Name != "S17.sorted.bam" || in.Format != "bam" {
		t.Errorf("input %+v", in)
	}
	if c.Header.Sample != "SAMPLE_A" || !c.Header.Paired || c.Header.Build != "GRCh38" || c.Header.Tool.Command != "nipt count S17.sorted.bam" {
		t.Errorf("header %+v", c.Header)
	}
	var hist int64
	for _, n := range c.Header.QC.FragmentHistogram {
		hist += n
	}
	if hist == 0 || hist > c.Header.QC.Kept || len(c.Header.QC.FragmentHistogram) != DefaultMaxFragment+1 {
		t.Errorf("histogram holds %d of %d fragments", hist, c.Header.QC.Kept)
	}
	if r := c.Header.QC.DuplicateRate; r <= 0 || r >= 0.5 {
		t.Errorf("duplicate rate %g", r)
	}
}

func TestFormatsAgree(t *testing.T) {
	g := genOptions{n: 3000, paired: true}
	h := genHeader(t, g)
	recs := genRecords(t, h, g, 10)
	bamData := bamtest.BAM(t, h, recs, 1)
	ref, err := run(t, bamData, "x.bam", nil)
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string][]byte{"sam": bamtest.SAM(t, h, recs, 1)}
	if samtools, err := exec.LookPath("samtools"); err == nil {
		dir := t.TempDir()
		p := filepath.Join(dir, "x.bam")
		os.WriteFile(p, bamData, 0o644)
		cram, err := exec.Command(samtools, "view", "-C", "--output-fmt-option", "no_ref=1", p).Output()
		if err != nil {
			t.Fatal(err)
		}
		inputs["cram"] = cram
		// samtools view -u: uncompressed BGZF, as in "... | samtools view -u | nipt count -".
		if inputs["bam"], err = exec.Command(samtools, "view", "-u", p).Output(); err != nil {
			t.Fatal(err)
		}
	} else {
		t.Log("samtools not on PATH: CRAM not tested")
	}
	for format, data := range inputs {
		c, err := run(t, data, "-", nil)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		sum := sha256.Sum256(data)
		if in := c.Header.Input; in.Format != format || in.Name != "-" || in.SHA256 != hex.EncodeToString(sum[:]) || in.Bytes != int64(len(data)) {
			t.Errorf("%s: input %+v", format, in)
		}
		for i := range c.Reads {
			if c.Reads[i] != ref.Reads[i] || c.Short[i] != ref.Short[i] {
				t.Fatalf("%s: bin %d differs from BAM", format, i)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	g := genOptions{n: 3000}
	h := genHeader(t, g)
	data := bamtest.BAM(t, h, genRecords(t, h, g, 11), 1)
	var outs [][]byte
	for _, threads := range []int{1, 3, 1} {
		c, err := run(t, data, "x.bam", func(o *Options) { o.Threads = threads })
		if err != nil {
			t.Fatal(err)
		}
		if c.Header.Paired || c.Short != nil {
			t.Error("single-end data marked paired")
		}
		var buf bytes.Buffer
		if err := counts.Write(&buf, c, 1); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, buf.Bytes())
	}
	if !bytes.Equal(outs[0], outs[1]) || !bytes.Equal(outs[0], outs[2]) {
		t.Error("counts files differ between runs or thread counts")
	}
}

func TestSampleAndBuild(t *testing.T) {
	for _, tc := range []struct {
		name    string
		build   *genome.Build
		ho      bamtest.HeaderOptions
		input   string
		mod     func(*Options)
		sample  string // expected sample ID
		wantErr string // substring of the expected error
		runs    []string
	}{
		{"flag wins", genome.GRCh38, bamtest.HeaderOptions{Samples: []string{"RG1"}}, "a.bam", func(o *Options) { o.Sample = "X9" }, "X9", "", nil},
		{"read group", genome.GRCh38, bamtest.HeaderOptions{Samples: []string{"RG1"}}, "a.bam", nil, "RG1", "", nil},
		{"file name", genome.GRCh38, bamtest.HeaderOptions{}, "dir/P007.bam", nil, "P007", "", nil},
		{"stdin unnamed", genome.GRCh38, bamtest.HeaderOptions{}, "-", nil, "", "pass --sample", nil},
		{"two samples", genome.GRCh38, bamtest.HeaderOptions{Samples: []string{"A", "B"}}, "a.bam", nil, "", "A, B", nil},
		{"hg19 no chr, no Y", genome.GRCh37, bamtest.HeaderOptions{NoChr: true, NoY: true}, "a.bam", nil, "a", "", nil},
		{"chm13", genome.CHM13, bamtest.HeaderOptions{}, "a.bam", func(o *Options) { o.Build = "t2t" }, "a", "", nil},
		{"build required", genome.GRCh38, bamtest.HeaderOptions{}, "a.bam", func(o *Options) { o.Build = "hg38" }, "a", "", nil},
		{"build mismatch", genome.GRCh37, bamtest.HeaderOptions{}, "a.bam", func(o *Options) { o.Build = "hg38" }, "", "aligned to GRCh37, but --build hg38", nil},
		{"unknown build name", genome.GRCh38, bamtest.HeaderOptions{}, "a.bam", func(o *Options) { o.Build = "mm10" }, "", "unknown genome build", nil},
		{"queryname sorted", genome.GRCh38, bamtest.HeaderOptions{SortOrder: "queryname"}, "a.bam", func(o *Options) { o.Dedup = DedupPosition }, "", "SO:queryname", nil},
		// Runs: the flowcells of the @RG PU tags (FLOWCELL.LANE.BARCODE),
		// one per flowcell, or --run.
		{"run from PU", genome.GRCh38, bamtest.HeaderOptions{Samples: []string{"S1", "S1", "S1"}, Units: []string{"HK3TWDSX3.1.ACGT", "HK3TWDSX3.2.ACGT", "HK7ZZDSX3.1.ACGT"}}, "a.bam", nil, "S1", "", []string{"HK3TWDSX3", "HK7ZZDSX3"}},
		{"run flag wins", genome.GRCh38, bamtest.HeaderOptions{Samples: []string{"S1"}, Units: []string{"HK3TWDSX3.1"}}, "a.bam", func(o *Options) { o.Run = "run-2026-11-30" }, "S1", "", []string{"run-2026-11-30"}},
		{"PU not a run name", genome.GRCh38, bamtest.HeaderOptions{Samples: []string{"S1"}, Units: []string{"lane 1/2"}}, "a.bam", nil, "S1", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := run(t, simpleBAM(t, tc.build, tc.ho, 50), tc.input, tc.mod)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Header.Sample != tc.sample || c.Header.Build != tc.build.Name || c.Header.QC.Kept != 50 {
				t.Errorf("sample %q build %s kept %d", c.Header.Sample, c.Header.Build, c.Header.QC.Kept)
			}
			if !slices.Equal(c.Header.Runs, tc.runs) {
				t.Errorf("runs %q, want %q", c.Header.Runs, tc.runs)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	good := simpleBAM(t, genome.GRCh38, bamtest.HeaderOptions{}, 5000)
	unmapped := bamtest.BAM(t, bamtest.Header(t, genome.GRCh38, bamtest.HeaderOptions{}),
		[]bamtest.Rec{{Ref: -1, Pos: -1, MateRef: -1, MatePos: -1, Flag: bam.FlagUnmapped}}, 1)
	var r0, rd []bamtest.Rec
	for i := range 50 {
		r0 = append(r0, bamtest.Rec{Ref: 20, Pos: 10_000_000 + 100*i, MAPQ: 0, MateRef: -1, MatePos: -1, ReadLen: 36})
		rd = append(rd, bamtest.Rec{Ref: 20, Pos: 10_000_000 + 100*i, MAPQ: 60, Flag: bam.FlagDuplicate, MateRef: -1, MatePos: -1, ReadLen: 36})
	}
	hdr := bamtest.Header(t, genome.GRCh38, bamtest.HeaderOptions{})
	mapq0, dups := bamtest.BAM(t, hdr, r0, 1), bamtest.BAM(t, hdr, rd, 1)
	h := genHeader(t, genOptions{})
	unsorted := genRecords(t, h, genOptions{n: 200}, 5)
	unsorted[0], unsorted[len(unsorted)/2] = unsorted[len(unsorted)/2], unsorted[0]
	other := &genome.Build{Name: "other", Lengths: genome.GRCh38.Lengths}
	for i := range other.Lengths {
		other.Lengths[i] += 1000 // no supported build has these lengths
	}
	otherBuild := bamtest.BAM(t, bamtest.Header(t, other, bamtest.HeaderOptions{}), nil, 1)
	for _, tc := range []struct {
		name string
		data []byte
		mod  func(*Options)
		want error  // errors.Is target, or nil
		msg  string // substring, or ""
	}{
		{"empty", nil, nil, bam.ErrEmpty, ""},
		{"text", []byte("hello, this is not an alignment file\x00\x01"), nil, bam.ErrUnknownFormat, ""},
		{"truncated mid block", good[:len(good)*2/3], nil, bgzf.ErrTruncated, ""},
		{"missing EOF block", good[:len(good)-28], nil, bgzf.ErrNoEOF, ""},
		{"header only", simpleBAM(t, genome.GRCh38, bamtest.HeaderOptions{}, 0), nil, ErrNoReads, "no alignment records"},
		{"nothing passes", unmapped, nil, ErrNoReads, "unmapped 1"},
		{"all MAPQ 0", mapq0, nil, ErrNoReads, "--min-mapq 0"},
		{"all duplicates", dups, nil, ErrNoReads, "--dedup none"},
		{"unsorted", bamtest.BAM(t, h, unsorted, 1), func(o *Options) { o.Dedup = DedupPosition }, ErrUnsorted, "samtools sort"},
		{"unknown contig lengths", otherBuild, nil, nil, "unsupported reference"},
		{"SAM without its header", []byte("r1\t0\tchr1\t100\t60\t50M\t*\t0\t0\t*\t*\n"), nil, nil, "samtools view -h"},
		{"bad option", good, func(o *Options) { o.Dedup = "maybe" }, nil, "--dedup"},
		{"sample ID that is a path", good, func(o *Options) { o.Sample = "../S1" }, nil, "plain name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := run(t, tc.data, "x.bam", tc.mod)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want %v %q", err, tc.want, tc.msg)
			}
		})
	}
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g := genOptions{n: 100}
	h := genHeader(t, g)
	data := bamtest.BAM(t, h, genRecords(t, h, g, 12), 1)
	if _, err := Count(ctx, bytes.NewReader(data), "x.bam", smallOptions()); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v", err)
	}
}

// Most reads below --min-mapq (a simulator writing MAPQ 0 for most reads):
// counted, with a warning that names the fix; none when few are.
func TestLowMAPQWarning(t *testing.T) {
	hdr := bamtest.Header(t, genome.GRCh38, bamtest.HeaderOptions{})
	for _, tc := range []struct {
		zeros int // of 60 reads
		warn  bool
	}{{45, true}, {6, false}} {
		var recs []bamtest.Rec
		for i := range 60 {
			q := 60
			if i < tc.zeros {
				q = 0
			}
			recs = append(recs, bamtest.Rec{Ref: 20, Pos: 10_000_000 + 100*i, MAPQ: q, MateRef: -1, MatePos: -1, ReadLen: 36})
		}
		var logs strings.Builder
		old := slog.Default()
		slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
		c, err := run(t, bamtest.BAM(t, hdr, recs, 1), "x.bam", nil)
		slog.SetDefault(old)
		if err != nil {
			t.Fatal(err)
		}
		if got := int(c.Header.QC.Kept); got != 60-tc.zeros {
			t.Errorf("%d of 60 at MAPQ 0: %d counted", tc.zeros, got)
		}
		if warned := strings.Contains(logs.String(), "--min-mapq 0"); warned != tc.warn {
			t.Errorf("%d of 60 at MAPQ 0: warned %v, want %v (%s)", tc.zeros, warned, tc.warn, logs.String())
		}
	}
}
