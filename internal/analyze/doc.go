// Package analyze runs nipt analyze: it normalises each sample against a
// reference (package refset), estimates the fetal fraction (package
// fetalfraction), calls trisomies, sex-chromosome aneuploidies and CNVs with
// QC (package call), and writes every output from the disclosure view of
// the result (package disclosure): result.json, bins.tsv, bins.bedgraph,
// segments.bed, cnv.vcf (VCF 4.4) and summary.tsv.
//
// Per sample, in order (docs/method.md):
//
//  1. GC correction and normalisation against the reference; PCA with
//     leave-one-chromosome-out scores. A second pass leaves chromosomes and
//     segments with a dosage change out of the PCA scores, so that a
//     trisomy or CNV neither leaks into other chromosomes nor is absorbed.
//  2. Sex-agnostic fetal fraction (bin profile, fragment size), combined by
//     generalised least squares with cross-validated variances.
//  3. Sex chromosomes: posterior of each fetal complement given the chrX and
//     chrY dosages and the sex-agnostic fetal fraction; callable or not
//     from sex-blind quantities only (call.SCACallable).
//  4. Combined fetal fraction: adds the chrY (and, for 46,XY, chrX)
//     estimates unless the analysis is sex-blind.
//  5. CBS segmentation (chrX against the level of the most probable
//     sex-chromosome complement, xBaseline) and the fetal-CNV scan at the
//     level a fetal change has at this fetal fraction (call.FetalScan,
//     with the sample's own segment noise); segments and scan windows
//     classified fetal or
//     maternal; significant sub-chromosomal ones are left out of the
//     chromosome dosages, so a maternal CNV on chr21 cannot become a
//     trisomy 21 call. Scan windows become CNV calls, not segments.
//  6. Chromosome z-scores by three methods against cross-validated nulls
//     rescaled to the sample's depth and noise; trisomy calls by z, with
//     "low risk" only when the risk after the test — the condition's
//     prevalence (lab profile, else call.Prevalence at 10–14 weeks) updated
//     by the likelihood ratio over the fetal fraction's posterior — is at
//     most 1 in 10,000, the data favour euploidy at least 20:1 and the
//     fetal-fraction estimate is at least min_ff (call.CallTrisomy).
//  7. QC verdict; a failed sample gets no calls.
//
// Sex-blind mode (Options.SexBlind, set from the lab profile) keeps every
// value that could differ between a male and a female fetus out of the
// fetal fraction, the calls, the no-call decisions and the QC verdict.
package analyze
