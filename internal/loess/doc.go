// Package loess fits robust locally weighted regression (LOESS/LOWESS) curves
// to one-dimensional data, as nipt uses for GC-content correction of bin
// counts.
//
// The method is Cleveland (1979, JASA 74:829, "Robust locally weighted
// regression and smoothing scatterplots"), with the local quadratic option
// of Cleveland & Devlin (1988, JASA 83:596):
//
//  1. At each evaluation point x₀ the q = ⌊span·n⌋ nearest observations are
//     weighted with the tricube kernel (1-|d/h|³)³, h being the distance to
//     the q-th nearest one (for span > 1, h is enlarged by the factor span,
//     as in Cleveland & Devlin), and a weighted polynomial of degree 1 or 2
//     is fitted by least squares; its value at x₀ is the fit.
//  2. Robustness iterations: with residuals eᵢ and s their median absolute
//     value, every observation gets the bisquare weight B(eᵢ/(6s)),
//     B(u) = (1-u²)² for |u| < 1, 0 otherwise, and step 1 is repeated with
//     kernel × robustness weights.
//
// Speed: instead of fitting at each of the n observations, the curve is fitted
// at a grid of evaluation points and linearly interpolated, the strategy of
// Cleveland & Grosse (1991, Stat. Comput. 1:47) used by R's loess (which
// interpolates on a k-d tree). Between grid points Δ apart the interpolation
// error is at most Δ²·max|f̂″|/8. The default grid puts ⌈32/span⌉+1 points at
// evenly spaced ranks of x, so that every local window spans at least 32 grid
// intervals and the fit cannot bend between grid points unseen, and cuts any
// gap wider than range/64 (sparse tails) into equal parts: a parabola of
// height A across the range (f″ = 8A/range²) is then interpolated within
// A/4096 — for a GC bias of 30% about 1e-4, far below the counting noise of
// a bin (several percent). Fitting
// costs O(G·q) per iteration with G ≈ max(32/span, 64) grid points and
// q = span·n window points, plus O(n log n) to sort; Options.Workers spreads
// the grid points over goroutines without changing the result. Cubic Hermite
// blending of values and local slopes (as in R) was tried and rejected: the
// local slope differs slightly from the derivative of the fitted curve, and at
// equal grid size the linear interpolant stayed closer to the direct fit.
// The local slopes remain available through Curve.Slope.
//
// Defaults and why (Options):
//   - Span 0.75, R's loess default: GC bias is a smooth, nearly quadratic
//     function of GC content over the 30–60% range that carries almost all
//     bins, so a wide window gives a low-variance fit without bias; QDNAseq
//     (Scheinin et al. 2014) uses 0.65 for the same purpose.
//   - Degree 2 (Cleveland & Devlin 1988; R's default): follows the curvature
//     at the GC extremes that a local line flattens.
//   - Iterations 3 robustness iterations (4 fits in all), Cleveland's (1979)
//     recommendation, which protects the fit from aneuploid or deleted bins.
package loess
