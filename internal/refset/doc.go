// Package refset builds, stores and applies the reference cohort of euploid
// pregnancies that nipt analyze normalises every sample against
// (docs/method.md, docs/format-reference.md).
//
// Build (Fit):
//
//  1. Sample QC: too few reads, too many duplicates, or bin noise that is an
//     outlier among the reference samples (modified z > 3.5, Iglewicz &
//     Hoaglin 1993) exclude a sample.
//  2. Fetal sex of each sample from its chrY dosage with a seeded
//     two-component Gaussian mixture (package mixture), falling back to an
//     absolute rule when the cohort is one cluster; sexes appear in
//     human-readable output only as counts.
//  3. Per-bin reference medians (chrX: female-fetus samples; chrY: male),
//     data-driven masks (extreme coverage, missing values, high variance),
//     samples levelled on the clipped mean of their log ratios (level: the
//     median of left-skewed log counts would shift with depth), PCA with
//     the number of components chosen by cross-validation (package
//     normalize), leave-one-chromosome-out residuals.
//  4. Chromosome null distributions from out-of-fold residuals — what a new
//     sample experiences — for three methods: PCA-normalised dosage,
//     within-sample reference bins (WisecondorX, Raman et al. 2019, NAR
//     47:1605) and the normalised chromosome value (NCV, Sehnert et al.
//     2011, Clin Chem 57:1042). A sample whose out-of-fold chromosome
//     z-score exceeds ±4 is excluded and the reference rebuilt, so that an
//     aneuploid or CNV-carrying reference sample cannot widen the nulls.
//  5. A chrX model on the female-fetus samples, male-specific chrY bins and
//     the chrY fetal-fraction scale calibrated against the chrX deficit of
//     the male-fetus samples, and the autosomal fetal-fraction models
//     (package fetalfraction; the fragment-size model on the autosomal
//     fragment-size profiles when every sample has one, which do not depend
//     on the fetal sex), all cross-validated.
//  6. Segment noise inflation κ(n) measured on the out-of-fold residuals.
//
// The reference stores the processed profile of every input sample, so
// Add refits from stored profiles plus new counts and gives exactly the
// reference a build from all counts files would.
package refset
