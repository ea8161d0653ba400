// Package genome knows the human reference builds nipt supports (GRCh37/hg19,
// GRCh38/hg38, T2T-CHM13), how their contigs are named, and how the primary
// chromosomes chr1–chr22, chrX and chrY are cut into fixed-size bins.
//
// Builds are recognised from contig lengths (the @SQ LN fields of a BAM header
// or a FASTA index), never from names alone, so "1" and "chr1" both resolve and
// a BAM aligned to another build is refused. Lengths are those published by the
// Genome Reference Consortium (GRCh37.p13, GRCh38.p14 primary assembly) and by
// the T2T consortium (CHM13 v2.0, which includes chrY from HG002).
package genome
