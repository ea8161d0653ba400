// Package report turns analysis results, after the lab's disclosure policy
// (package disclosure), into the documents a laboratory issues: a
// self-contained HTML and a PDF report per sample, a batch HTML report,
// a FHIR R4 bundle per sample and MultiQC custom content (docs/reports.md).
//
// Every writer takes a view made by disclosure.Apply and re-checks it with
// disclosure.Verify, so nothing reaches a file that the policy forbids.
//
// Content follows the ACMG statement on cfDNA screening (Gregg et al. 2016,
// Genet Med 18:1056) and the ISPD 2015 position statement (Benn et al.,
// Prenat Diagn 35:725): pseudonymous sample ID, test and method, fetal
// fraction, one result line per screened condition, detection rate,
// specificity, PPV and NPV, QC, limitations and the recommendation to confirm
// a positive screen by diagnostic testing (CVS or amniocentesis). Each
// trisomy call states its residual risk (the prevalence updated by the
// likelihood ratio, Bayes' rule) as "1 in N", or as a percentage from 1%
// (risk.go); FHIR carries it as a probability.
//
// Machine formats follow HL7 FHIR R4 with the Genomics Reporting
// Implementation Guide (http://hl7.org/fhir/uv/genomics-reporting: profiles
// genomics-report, overall-interpretation, variant; LOINC codes and answer
// lists as cited in fhir.go) and the MultiQC custom-content format
// (https://docs.seqera.io/multiqc/custom_content).
//
// Plots use gonum/plot; PDFs codeberg.org/go-pdf/fpdf, with the core font
// Helvetica (code page 1252) and, for other scripts, the lab profile's
// TrueType font (subset embedded; per-character fallback to Helvetica;
// line breaking between CJK characters after GB/T 15834 and JIS X 4051);
// text neither font can print is an error, never a "?". Outputs are
// deterministic: no time stamps (the PDF creation date is fixed or the
// report date the caller gives), identifiers derived from the sample ID.
package report
