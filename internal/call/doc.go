// Package call turns normalised dosages into screening calls:
//
//   - Trisomies (CallTrisomy): a chromosome z-score against the euploid
//     reference (Chiu et al. 2008, PNAS 105:20458) with the call threshold
//     z ≥ 3, plus the log10 likelihood ratio of a full trisomy — which
//     raises the chromosome's dosage by f/2 at fetal fraction f — against
//     euploidy, integrated over the fetal-fraction uncertainty; a no-call
//     when a trisomy at this fetal fraction would be detected with
//     probability below DetectionPower (the power rule replaces a fixed
//     fetal-fraction cut-off, which ignores depth and noise), and a
//     possible-mosaic flag when the effect is clearly below what the fetal
//     fraction predicts.
//   - Sex chromosomes (CallSex): the posterior of 46,XX, 46,XY, 45,X,
//     47,XXX, 47,XXY and 47,XYY given the chrX and chrY dosages and a
//     sex-agnostic fetal-fraction prior.
//   - Copy-number changes (Segments, ClassifyOrigin): circular binary
//     segmentation (Olshen et al. 2004, Biostatistics 5:557) of the
//     normalised bins; segments pass a size-dependent Bonferroni z threshold
//     and are classified as fetal (dosage ±f/2 per copy) or maternal
//     (±(1 − f)/2, Snyder et al. 2015 NEJM 372:1639 on maternal CNVs and
//     tumours confounding NIPT) by likelihood.
//   - QC (QC): reads, duplicate rate, GC bias, bin noise (MAPD relative to
//     its Poisson expectation) and fetal fraction against configurable
//     thresholds (Config, docs/qc.md).
package call
