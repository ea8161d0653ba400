// Package synth builds small synthetic NIPT cohorts in memory for the fast
// unit tests of the reference and calling engine: a procedural genome
// annotation and per-sample bin counts drawn from an explicit generative
// model (maternal + fetal dosage, per-sample GC bias, shared per-bin library
// bias, batch effects, a fetal coverage preference, gamma–Poisson
// overdispersion, and short-fragment counts for paired-end samples).
//
// It is a test fixture, not the project's simulator (internal/simulate): the
// parameters are plausible orders of magnitude chosen so that unit tests run
// in milliseconds at coarse bins, and every test states its tolerance from
// the model's sampling error.
package synth
