// Package fetalfraction estimates the fetal fraction (the share of
// cell-free DNA of placental origin) of a maternal plasma sample by several
// independent methods and combines them.
//
//   - chrY (male fetuses only; sensitive): the dosage of male-specific chrY
//     bins, calibrated on the reference cohort's male-fetus pregnancies
//     against their chrX deficit (YModel). Ground truth for the other methods.
//   - chrX (male fetuses only; sensitive): 2·(1 − chrX ratio) relative to
//     female-fetus pregnancies (Chiu et al. 2011, BMJ 342:c7401). Noisy.
//   - bin_profile (both sexes): ridge regression of the fetal fraction on the
//     normalised autosomal bin profile, trained on the reference's male
//     pregnancies (SeqFF, Kim et al. 2015, Prenat Diagn 35:810; PREFACE,
//     Raman et al. 2019, Genet Med 21:2298). Placental and maternal cfDNA
//     cover the genome slightly differently (nucleosome positioning and
//     chromatin accessibility), which these methods exploit.
//   - fragment_size (paired-end, both sexes): the share of fragments shorter
//     than 150 bp, linear in the fetal fraction because fetal fragments are
//     shorter (Lo et al. 2010, Sci Transl Med 2:61ra91; Yu et al. 2014,
//     PNAS 111:8583), or a ridge regression on the whole fragment-size
//     profile (SizeProfile: square-rooted shares of 10-bp size classes),
//     which separates the fetal fraction from library-wide size shifts;
//     Leverage widens the error of samples unlike the training set.
//
// Estimates are combined by generalised least squares with variances from
// cross-validation on the reference (Combine), giving one value with a 95%
// interval. Sex-blind analyses use only the autosomal methods.
package fetalfraction
