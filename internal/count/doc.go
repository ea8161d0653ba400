// Package count turns an alignment file into per-bin read counts (package
// counts): it filters records, removes duplicates, counts each paired-end
// fragment once, histograms fragment lengths, and bins reads or fragments
// by their leftmost coordinate in fixed-size bins of chr1–22, X and Y.
//
// The method is the read-depth counting used by NIPT tools since Chiu et al.
// (2008, PNAS 105:20458) and Fan et al. (2008, PNAS 105:16266): count
// uniquely placed reads in fixed genomic bins, later GC-corrected and
// compared with a euploid reference (here in later stages). Defaults follow
// WisecondorX (Raman et al. 2019, NAR 47:1605; convert step: MAPQ ≥ 1,
// duplicates removed), with paired-end fragments counted once at their
// leftmost position and short fragments (< 150 bp, the fetal-enriched size
// class of Lo et al. 2010, Sci Transl Med 2:61ra91; Yu et al. 2014, PNAS
// 111:8583) counted separately for fragment-size based fetal-fraction
// estimates. docs/counting.md documents every filter and its default.
package count
