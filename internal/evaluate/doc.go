// Package evaluate measures how well nipt's calls agree with a known truth:
// the validation study a laboratory runs before a screening test goes live
// (ACMG 2016 points to consider, Gregg et al., Genet Med 18:1056; ISPD 2015
// position statement, Benn et al., Prenat Diagn 35:725; CLSI EP12 for
// qualitative tests).
//
// It joins a truth table (truth.tsv, written by nipt simulate or by the lab
// from karyotypes) with the summary table of nipt analyze (summary.tsv) and
// reports, per condition (T21, T18, T13, rare autosomal trisomies, sex
// chromosome aneuploidies overall and per type, CNVs, mosaic trisomies):
//
//   - sensitivity and specificity with exact Clopper–Pearson (Clopper &
//     Pearson 1934, Biometrika 26:404) or Wilson score (Wilson 1927, JASA
//     22:209; recommended by Brown, Cai & DasGupta 2001, Stat Sci 16:101)
//     confidence intervals;
//   - ROC curves with the chromosome z-score as the score and the area under
//     the curve computed as the Mann–Whitney statistic (Hanley & McNeil 1982,
//     Radiology 143:29), ties counting one half;
//   - fetal-fraction accuracy: Pearson r, mean absolute error, bias and
//     Bland–Altman 95% limits of agreement (Bland & Altman 1986, Lancet
//     327:307), and the coverage of the reported FF interval, overall and for
//     female and male fetuses apart;
//   - CNV recall and false calls per sample, a called CNV matching a true one
//     when both lie on the same chromosome, have the same type and overlap
//     reciprocally by at least 50% (the reciprocal-overlap criterion of
//     Conrad et al. 2010, Nature 464:704, used by SV benchmarks such as
//     Zook et al. 2020, Nat Biotechnol 38:1347); the accuracy of the
//     maternal-versus-fetal origin label; false-call rates with exact Poisson
//     intervals (Garwood 1936, Biometrika 28:437);
//   - the no-call rate, overall and by fetal-fraction bin, with the reasons;
//   - the safety check that no maternal CNV on chr13/18/21 becomes a trisomy
//     call (Snyder et al. 2015, N Engl J Med 372:1639 describe such
//     false-positive trisomy calls from maternal duplications).
//
// No-calls are excluded from the sensitivity and specificity denominators and
// reported separately, the convention of the large NIPT validation studies
// (e.g. Norton et al. 2015, NEJM 372:1589). docs/evaluation.md defines every
// count.
//
// Fetal sex: the truth holds it, and FF accuracy is reported for female and
// male fetuses apart. Those values live in clearly marked fields
// (FF.ByFetalSex); nothing in this package logs fetal sex.
package evaluate
