// Package bamtest builds small alignment files in memory for tests of the
// bam and count packages. It writes them with biogo/hts, an implementation
// independent of the decoders under test.
package bamtest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/biogo/hts/bam"
	"github.com/biogo/hts/sam"
	"github.com/nipt/nipt/internal/genome"
)

// HeaderOptions describe a test header.
type HeaderOptions struct {
	NoChr     bool            // name chromosomes 1..22, X, Y instead of chr1..
	NoY       bool            // omit chrY
	Extra     []genome.Contig // contigs after the canonical ones (chrM, alts)
	SortOrder string          // @HD SO value; "" for none
	Samples   []string        // one @RG per sample
	Units     []string        // the @RG PU of each sample's read group ("" for none)
}

// Header returns a SAM header with the canonical chromosomes of b.
func Header(t testing.TB, b *genome.Build, o HeaderOptions) *sam.Header {
	t.Helper()
	var text strings.Builder
	text.WriteString("@HD\tVN:1.6")
	if o.SortOrder != "" {
		text.WriteString("\tSO:" + o.SortOrder)
	}
	text.WriteString("\n")
	for i := range genome.NumChroms {
		if i == genome.ChrY && o.NoY {
			continue
		}
		name := genome.ChromName(i)
		if o.NoChr {
			name = strings.TrimPrefix(name, "chr")
		}
		fmt.Fprintf(&text, "@SQ\tSN:%s\tLN:%d\n", name, b.Lengths[i])
	}
	for _, c := range o.Extra {
		fmt.Fprintf(&text, "@SQ\tSN:%s\tLN:%d\n", c.Name, c.Length)
	}
	for i, s := range o.Samples {
		fmt.Fprintf(&text, "@RG\tID:rg%d\tSM:%s", i, s)
		if i < len(o.Units) && o.Units[i] != "" {
			fmt.Fprintf(&text, "\tPU:%s", o.Units[i])
		}
		text.WriteString("\n")
	}
	h, err := sam.NewHeader([]byte(text.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// Rec describes one alignment with 0-based positions; Ref and MateRef are
// indices into the header's references, -1 for none.
type Rec struct {
	Name          string
	Ref, Pos      int
	MAPQ          int
	Flag          int
	MateRef       int
	MatePos, TLen int
	ReadLen       int // CIGAR <ReadLen>M with a sequence of that length; 0 for none
}

// Build turns r into a biogo record for header h.
func Build(t testing.TB, h *sam.Header, r Rec, rng *rand.Rand) *sam.Record {
	t.Helper()
	refs := h.Refs()
	var ref, mref *sam.Reference
	if r.Ref >= 0 {
		ref = refs[r.Ref]
	}
	if r.MateRef >= 0 {
		mref = refs[r.MateRef]
	}
	var cigar []sam.CigarOp
	if r.ReadLen > 0 {
		cigar = []sam.CigarOp{sam.NewCigarOp(sam.CigarMatch, r.ReadLen)}
	}
	// biogo refuses empty sequences: make one base and clear it below.
	seq := make([]byte, max(r.ReadLen, 1))
	qual := make([]byte, len(seq))
	for i := range seq {
		seq[i] = "ACGT"[rng.IntN(4)]
		qual[i] = byte(20 + rng.IntN(20))
	}
	name := r.Name
	if name == "" {
		name = fmt.Sprintf("r%d", rng.Uint32())
	}
	rec, err := sam.NewRecord(name, ref, mref, r.Pos, r.MatePos, r.TLen, byte(r.MAPQ), cigar, seq, qual, nil)
	if err != nil {
		t.Fatalf("bamtest: %+v: %v", r, err)
	}
	if r.ReadLen == 0 {
		rec.Seq, rec.Qual = sam.Seq{}, nil // SEQ "*"
	}
	rec.Flags = sam.Flags(r.Flag)
	return rec
}

// SortByCoordinate orders records as samtools sort does: by reference
// (unplaced last), then position; ties keep their order.
func SortByCoordinate(recs []Rec) {
	key := func(r Rec) int {
		if r.Ref < 0 {
			return 1 << 30
		}
		return r.Ref
	}
	slices.SortStableFunc(recs, func(a, b Rec) int {
		if c := key(a) - key(b); c != 0 {
			return c
		}
		return a.Pos - b.Pos
	})
}

// BAM writes recs as a BGZF-compressed BAM file.
func BAM(t testing.TB, h *sam.Header, recs []Rec, seed uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := bam.NewWriter(&buf, h, 1)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, w, h, recs, seed)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// SAM writes recs as SAM text with a header.
func SAM(t testing.TB, h *sam.Header, recs []Rec, seed uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := sam.NewWriter(&buf, h, sam.FlagDecimal)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, w, h, recs, seed)
	return buf.Bytes()
}

// writeAll writes recs through w (a BAM or SAM writer), drawing sequences
// and names from a PCG seeded with seed.
func writeAll(t testing.TB, w interface{ Write(*sam.Record) error }, h *sam.Header, recs []Rec, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	for _, r := range recs {
		if err := w.Write(Build(t, h, r, rng)); err != nil {
			t.Fatal(err)
		}
	}
}
