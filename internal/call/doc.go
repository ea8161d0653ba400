// Package call turns normalised dosages into screening calls:
//
//   - Trisomies (CallTrisomy): a chromosome z-score against the euploid
//     reference (Chiu et al. 2008, PNAS 105:20458) with the call threshold
//     z ≥ 3, plus the log10 likelihood ratio of a full trisomy — which
//     raises the chromosome's dosage by f/2 at fetal fraction f — against
//     euploidy, integrated over the fetal-fraction uncertainty. Low risk
//     only when that likelihood ratio favours euploidy by at least
//     1/10^LowRiskLog10LR (100:1; Royall 2000, JASA 95:760: a trisomy
//     produces such misleading evidence with probability ≤ 1%) and the
//     fetal fraction is above its floor (MinFF and the estimate's detection
//     limit, Currie 1968); otherwise no call. A possible-mosaic flag marks
//     a high-risk effect clearly below what the fetal fraction predicts.
//   - Sex chromosomes (CallSex): the posterior of 46,XX, 46,XY, 45,X,
//     47,XXX, 47,XXY and 47,XYY given the chrX and chrY dosages and a
//     sex-agnostic fetal-fraction prior. Whether the result is callable is
//     decided first from sex-blind quantities only (SCACallable: a one-copy
//     chrX change must be detectable with probability ≥ SCADetection), so
//     that the no-call rate cannot reveal the fetal sex; callable samples
//     are high or low risk.
//   - Copy-number changes (Segments, ClassifyOrigin): circular binary
//     segmentation (Olshen et al. 2004, Biostatistics 5:557) of the
//     normalised bins; segments pass a size-dependent Bonferroni z threshold
//     and are classified as fetal (dosage ±f/2 per copy) or maternal
//     (±(1 − f)/2, Snyder et al. 2015 NEJM 372:1639 on maternal CNVs and
//     tumours confounding NIPT) by likelihood. FetalScan adds a
//     likelihood-ratio scan for windows at the level a fetal change has,
//     log2(1 ± f/2), with a genome-wide false-call rate from the
//     variable-window scan approximation of Siegmund & Venkatraman (1995,
//     Ann Stat 23:255).
//   - QC (QC): reads, duplicate rate, GC bias, bin noise (MAPD relative to
//     its Poisson expectation) and fetal fraction against configurable
//     thresholds (Config, docs/qc.md).
package call
