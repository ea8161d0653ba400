// Package mixture fits Gaussian mixture models by expectation–maximization,
// in one dimension (Fit1D) and in d dimensions with full covariances (FitND,
// used with d = 2 for chrX/chrY dosage clustering).
//
// Method: EM for normal mixtures (Dempster, Laird & Rubin 1977, JRSS-B
// 39:1; McLachlan & Peel 2000, "Finite Mixture Models", ch. 2–3),
// initialized by seeded k-means++ (Arthur & Vassilvitskii 2007, SODA) and
// a few Lloyd iterations, with several restarts keeping the highest
// likelihood. The number of components can be chosen by the Bayesian
// information criterion (Schwarz 1978, Ann. Stat. 6:461; Fraley & Raftery
// 2002, JASA 97:611), see FitBIC1D and FitBICND.
//
// Degenerate data never make the fit fail or panic:
//   - Regularization. The normal-mixture likelihood is unbounded when a
//     component collapses onto one value (Day 1969, Biometrika 56:463).
//     EM maximizes instead the penalized likelihood of Ciuperca, Ridolfi &
//     Idier (2003, Scand. J. Stat. 30:45), which adds to each component one
//     pseudo-observation at squared distance Λ = cov(x)/(k^(2/d)·n): a
//     component of one or two points keeps a width of the order of the data
//     spread shared among k components over √n, while real components move
//     by a negligible fraction of their sampling error (see em1D).
//   - Variance floor. In addition, SDs never fall below 1e-3 × the overall
//     SD per dimension (Hathaway 1985, Ann. Stat. 13:795, constrained
//     likelihood): a component a thousand times narrower than the data is a
//     spike of ties, not a population. This matters only for data with a
//     constant dimension, where Λ vanishes.
//   - k larger than the number of distinct values is reduced to that number,
//     and a component that loses all its weight is dropped, so a returned
//     model may have fewer components than asked (check len(m.Means)).
//   - Non-finite values (rows) are ignored; no finite value is an error.
//
// Components are returned sorted by mean (by the first coordinate, then the
// next, for FitND), so results are deterministic for a given seed.
package mixture
