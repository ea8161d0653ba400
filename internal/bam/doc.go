// Package bam decodes alignment files (BAM, SAM, and CRAM through samtools)
// fast enough for counting reads: it decodes only the fixed fields of each
// record that counting needs (reference, position, MAPQ, flag, mate
// reference and position, template length) directly from the bytes, over
// BGZF blocks that are inflated in parallel (package bgzf).
//
// Formats follow the SAM/BAM specification (samtools.github.io/hts-specs,
// SAMv1.pdf): §1.3–1.4 for the SAM header and alignment lines, §4.2 for the
// BAM binary layout. CRAM (CRAMv3.pdf) has no Go decoder; Open pipes it
// through "samtools view -u", which emits uncompressed BGZF BAM.
//
// Open detects the format from the first bytes (magic numbers), so standard
// input works as well as files:
//
//	BGZF/gzip (1f 8b) → inflate, then "BAM\1" → BAM, '@' or text → SAM
//	"CRAM"            → samtools view -u
//	'@' or text       → SAM
package bam
