// Package filekind tells from a file's first bytes which of the files a
// user may hand nipt in the wrong place it is — a counts file where a
// reference belongs, a reference where alignments belong, FASTQ before
// alignment — so that every reader's error can name it. Readers keep
// their own format checks; this only names what they refused.
package filekind

import "bytes"

// Kind is what a file's first bytes say it is.
type Kind int

// The kinds Sniff tells apart.
const (
	Unknown    Kind = iota
	Empty           // no bytes at all
	Counts          // a nipt counts file (a ZIP archive: nipt count)
	Reference       // a nipt reference (nipt reference build)
	Compressed      // gzip or BGZF data: a BAM, a compressed SAM, an annotation .bins
	CRAM            // a CRAM file
	SAM             // SAM text with its header
	FASTQ           // unaligned reads
	FASTA           // sequences
)

// Prefix is at least the number of bytes Sniff needs to tell every kind
// (FASTQ takes three lines).
const Prefix = 4096

// Sniff names what head, the first bytes of a file, look like.
func Sniff(head []byte) Kind {
	switch {
	case len(head) == 0:
		return Empty
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return Counts
	case bytes.HasPrefix(head, []byte("#nipt-reference")):
		return Reference
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return Compressed
	case bytes.HasPrefix(head, []byte("CRAM")):
		return CRAM
	case isFASTQ(head):
		return FASTQ
	case bytes.HasPrefix(head, []byte("@HD\t")), bytes.HasPrefix(head, []byte("@SQ\t")):
		return SAM
	case head[0] == '>':
		return FASTA
	}
	return Unknown
}

// String describes the kind for an error message.
func (k Kind) String() string {
	switch k {
	case Empty:
		return "an empty file"
	case Counts:
		return "a nipt counts file (nipt count)"
	case Reference:
		return "a nipt reference (nipt reference build)"
	case Compressed:
		return "gzip/BGZF-compressed data (a BAM, or an annotation .bins?)"
	case CRAM:
		return "a CRAM file"
	case SAM:
		return "SAM text"
	case FASTQ:
		return "FASTQ (unaligned reads)"
	case FASTA:
		return "FASTA (sequences, not alignments)"
	}
	return "an unknown kind of file"
}

// isFASTQ reports whether b starts like a FASTQ record: an @name line, a
// sequence line, then a line starting with '+'.
func isFASTQ(b []byte) bool {
	lines := bytes.SplitN(b, []byte("\n"), 4)
	return len(lines) >= 3 && bytes.HasPrefix(lines[0], []byte("@")) && len(lines[1]) > 0 &&
		bytes.Trim(lines[1], "ACGTNacgtn.\r") == nil && bytes.HasPrefix(lines[2], []byte("+"))
}
