// Package demo runs the whole nipt system on a built-in simulated dataset,
// with no external files: it simulates a small reference cohort and test
// samples (euploid, T21, T18, T13, a sex-chromosome aneuploidy, a fetal
// deletion, a maternal duplication on chr21 and a low-fetal-fraction
// sample), counts the samples simulated as BAM with the real counter, builds
// the reference, analyses the test samples under the default disclosure policy
// (fetal sex never disclosed), writes the clinical reports, and scores the
// calls against the simulation truth. It is what "nipt demo" runs.
package demo
