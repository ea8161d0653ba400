// Package disclosure holds the lab profile (docs/lab-profile.md) and the
// fetal-sex disclosure policy (docs/disclosure.md) that every patient-facing
// output of nipt passes through.
//
// The analysis engine computes a result.Result that knows everything,
// including the fetal sex. Apply turns it into the view a clinician may see
// under the lab's policy: a redacted deep copy. Under a sex-blind policy
// (fetal_sex = never, or medical_indication without an accepted indication,
// or on_request without a request) the view carries no information that
// differs between a male and a female fetus: no sex field, no chrX/chrY
// chromosome rows, bins, segments or CNVs (a male fetus lowers the chrX
// dosage by f/2, Chiu et al. 2011 BMJ 342:c7401), no chrX/chrY z-scores and no
// sex-chromosome fetal-fraction methods. Apply fails closed: under a
// sex-blind policy, a result the engine did not analyse sex-blind
// (result.Result.SexBlindAnalysis) is an error for every fetus alike — a
// refusal of only those whose fetal fraction used chrY would itself reveal
// a male fetus — and so is a view in which a sex-revealing string survives.
//
// Legal basis of the policies: mainland China forbids non-medical fetal sex
// determination (Population and Family Planning Law, art. 35; NHC NIPT
// technical specification 2016: screening targets T21, T18, T13); ACMG 2016
// (Gregg et al., Genet Med 18:1056) asks every report to state detection
// rate, specificity, PPV and NPV, which Performance derives by Bayes' rule
// when the lab gives prevalence instead of predictive values.
//
// Every disclosure of fetal sex is written to an append-only JSON-lines
// audit log (who, when, which sample, which indication) before the view is
// returned.
//
// The profile also carries the laboratory's report layout ([report]: the
// TrueType fonts of the PDF reports, checked and loaded by LoadProfile with
// package report/pdffont).
package disclosure
