// Package stats holds the basic and robust statistics the nipt engine needs.
//
// Conventions: every function skips NaN inputs (and, where stated, ±Inf),
// never modifies its arguments and never panics on bad input; an empty or
// degenerate input gives NaN.
//
// Methods and their sources:
//   - Quantile uses the linear interpolation of order statistics that
//     Hyndman & Fan (1996, Am. Stat. 50:361) call definition 7 (R's default).
//   - MAD is the median absolute deviation scaled by 1.4826 = 1/Φ⁻¹(3/4),
//     which makes it a consistent estimator of the normal SD (Hampel 1974,
//     JASA 69:383).
//   - BiweightLocation and BiweightScale are Tukey's biweight location and
//     the square root of the biweight midvariance (Mosteller & Tukey 1977,
//     "Data Analysis and Regression", ch. 10; Lax 1985, JASA 80:736), with
//     tuning constants 6 (location) and 9 (scale) in MAD units (unscaled
//     median absolute deviations), the values for which Lax reports about
//     86% efficiency at the normal while keeping a 50% breakdown point. This
//     is the robust scale beyond MAD that nipt uses where efficiency matters
//     (e.g. noise estimates from a few hundred bins).
//   - NormalCDF and NormalSF use the complementary error function of the
//     Go standard library, so the upper tail stays accurate down to the
//     smallest normal float64 (about z = 37.5, SF ≈ 5e-308); NormalLogSF
//     continues past that with the asymptotic (Mills ratio) series
//     (Abramowitz & Stegun 1964, 26.2.12).
//   - NormalQuantile uses Wichura's AS 241 (1988, Appl. Stat. 37:477) as
//     implemented by gonum's mathext, polished by one Newton step.
//   - WilsonInterval is the Wilson (1927, JASA 22:209) score interval and
//     ClopperPearson the exact interval of Clopper & Pearson (1934,
//     Biometrika 26:404) from beta quantiles (gonum's inverse regularized
//     incomplete beta).
//   - ROCAUC is the Mann–Whitney U statistic divided by n₁n₀, with ties
//     counted one half (Hanley & McNeil 1982, Radiology 143:29); ROC gives
//     the empirical curve with one point per distinct score (Fawcett 2006,
//     Pattern Recogn. Lett. 27:861), ROCCurve the same with each point's
//     threshold.
package stats
