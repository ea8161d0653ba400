// Package call turns normalised dosages into screening calls:
//
//   - Trisomies (CallTrisomy): a chromosome z-score against the euploid
//     reference (Chiu et al. 2008, PNAS 105:20458) with the call threshold
//     z ≥ 3, plus the log10 likelihood ratio of a full trisomy — which
//     raises the chromosome's dosage by f/2 at fetal fraction f — against
//     euploidy, integrated over the posterior of the fetal fraction: the
//     estimate's likelihood times the population distribution of fetal
//     fractions (PopulationFF, log-normal; Ashoor et al. 2013, Ultrasound
//     Obstet Gynecol 41:26). The likelihood ratio turns the condition's
//     prevalence at 10–14 weeks (Santorum et al. 2017, Ultrasound Obstet
//     Gynecol 49:714) into the risk after the test (ResidualRisk, Bayes'
//     rule; the FORTE approach of Sparks et al. 2012, Am J Obstet Gynecol
//     206:319, likewise combines prior risk and fetal fraction). Low risk
//     when that risk is at most LowRiskResidual (1 in 10,000) and the data
//     favour euploidy at least 20:1 (Kass & Raftery 1995, JASA 90:773), with
//     a fetal-fraction estimate of at least MinFF; otherwise no call. A
//     possible-mosaic flag marks a high-risk effect clearly below what the
//     fetal fraction predicts.
//   - Sex chromosomes (CallSex): the posterior of 46,XX, 46,XY, 45,X,
//     47,XXX, 47,XXY and 47,XYY given the chrX and chrY dosages and a
//     sex-agnostic fetal-fraction prior. Whether the result is callable is
//     decided first from sex-blind quantities only (SCACallable: a one-copy
//     chrX change must be detectable with probability ≥ SCADetection,
//     averaged over the posterior of the sex-agnostic fetal fraction), so
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
