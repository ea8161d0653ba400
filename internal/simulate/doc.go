// Package simulate generates cell-free DNA sequencing data of pregnancies
// with known truth, as indexed BAM files or as the counts nipt count would
// produce from them (nipt simulate; docs/simulation.md documents the model,
// every parameter with its source, and what is not modelled).
//
// A Landscape holds what the samples of one laboratory share: the genome
// annotation (real tables or the built-in synthetic genome), a per-bin
// library bias, batch profiles and the fetal coverage-preference profile. A
// Sample is one pregnancy: fetal fraction, fetal sex, trisomy (possibly
// mosaic), sex-chromosome aneuploidy, fetal and maternal CNVs, twins, depth,
// batch and seed.
//
// Per bin, the expected number of fragments of maternal and fetal origin is
// (1 − f)·CN_m/2 and f·CN_f/2·P_f times the bin's technical factor (callable
// length × per-sample GC curve × library bias × batch profile); a gamma
// multiplier adds overdispersion (gamma–Poisson), and independent Poisson
// draws split fragments into the classes nipt count sees (kept short/long
// by origin, duplicates) and those it drops (low MAPQ, QC-fail, secondary,
// supplementary, unmapped). The counted classes come from one random stream
// and the rest from others, so counts mode and BAM mode agree exactly.
//
// Biology: fragment sizes after Lo et al. 2010 (Sci Transl Med 2:61ra91),
// Fan et al. 2010 (Clin Chem 56:1279), Chan et al. 2004 (Clin Chem 50:88),
// Yu et al. 2014 (PNAS 111:8583) and Jiang & Lo 2016 (Trends Genet 32:360);
// their between-sample variation (SizeVariation: run and sample terms for
// peak position, width, 10-bp ripple, short and long recovery, and the
// per-pregnancy fetal–maternal difference) after Chan et al. 2005 (Clin Chem
// 51:781), Zheng et al. 2012 (Clin Chem 58:549), Snyder et al. 2016 (Cell
// 164:57) and Markus et al. 2018 (Sci Rep 8:7375), sized so that size-only
// fetal fraction lands near published performance (Yu et al. 2014);
// the fetal coverage preference that SeqFF (Kim et al. 2015, Prenat Diagn
// 35:810) and PREFACE (Raman et al. 2019, Prenat Diagn 39:925) exploit;
// counting-statistics precision after GC correction (Fan & Quake 2010, PLoS
// One 5:e10439). Sampling: PTRS Poisson (Hörmann 1993), Marsaglia–Tsang
// gamma (2000), Walker/Vose alias tables. Output: SAMv1 BAM and BAI through
// the bamwrite sub-package.
package simulate
