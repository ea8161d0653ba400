// Package normalize turns one sample's bin counts into normalised per-bin
// coverage and removes the systematic noise that a reference cohort of
// euploid pregnancies reveals. It implements, in order:
//
//  1. Static bin masking from the genome annotation (Mask): assembly gaps,
//     low mappability (QDNAseq's mappability ≥ 50% rule, Scheinin et al.
//     2014, Genome Res 24:2022), extreme GC content, blacklisted regions.
//  2. Per-sample GC correction (Correct): robust LOESS of read density
//     against bin GC fraction over autosomal bins (Cleveland 1979, JASA
//     74:829; applied to NIPT by Fan & Quake 2010, PLoS ONE 5:e10439 and
//     Alkan et al. 2009), after dividing each bin's reads by its effective
//     length (called bases × mean mappability). The result is each bin's
//     coverage relative to a typical autosomal bin of the same GC. Half a
//     read is added to every chr1–22/chrX count so that its logarithm is
//     unbiased at any depth (Anscombe 1948, Biometrika 35:246; ZeroReads);
//     chrY keeps the plain count, which enters only through sums.
//  3. Cohort noise reduction by principal components (PCA): the reference
//     cohort's whitened log-ratio profiles are decomposed through the
//     sample × sample Gram matrix (cheap when samples ≪ bins), and the
//     leading components, which carry batch and residual GC/library effects,
//     are projected out of every sample (the approach of WisecondorX,
//     Raman et al. 2019, Nucleic Acids Res 47:1605). The number of
//     components is chosen by K-fold cross-validation of the
//     chromosome-level noise, the quantity aneuploidy calls depend on, with
//     the one-standard-error rule (Hastie, Tibshirani & Friedman, ESL 2009,
//     §7.10); the cross-validation is exact and cheap because every
//     held-out quantity is a linear functional that can be evaluated from
//     the Gram matrix.
//  4. Within-sample reference bins (RefBins): for each bin, the bins on other
//     chromosomes whose normalised values behave most alike across the
//     reference cohort (WisecondorX; Straver et al. 2014, Prenat Diagn
//     34:185), found by exact nearest-neighbour search in a low-dimensional
//     embedding of the cohort profiles.
//
// Whitening. The Poisson variance of a bin's log ratio is inversely
// proportional to its expected reads, so bins are weighted by the square root
// of their expected relative coverage before PCA; otherwise the noisiest bins
// would dominate the components.
package normalize
