# P(p1 - p0 > delta) for beta posteriors with a shape below 1 (densities singular at an end),
# the references of stats::bayes's `difference_above` at such shapes
# (`two_arm_posteriors_thresholds_and_predictive_probabilities_agree_with_r`).
# Base R, in the orientation that is smooth when p1's shapes are at least 1:
#   P(p1 - p0 > d) = integral over x of dbeta(x, a1, b1) * pbeta(x - d, a0, b0).
# Checked by Monte Carlo (4e6 draws, set.seed(1)): 0.99764 and 0.94075 for the first and fifth cases.
# Run: Rscript tests/reference/make_bayes_singular_refs.R
post2 <- function(a1, b1, a0, b0, d) {
  integrate(function(x) dbeta(x, a1, b1) * pbeta(pmin(pmax(x - d, 0), 1), a0, b0), 0, 1,
            rel.tol = 1e-13, subdivisions = 10000L)$value
}
cases <- list(c(4, 8, 0.1, 10.9, 0), c(4, 8, 0.2, 5.8, 0), c(3, 3, 0.3, 0.7, 0.1),
              c(5, 2, 0.5, 9.5, -0.2), c(12, 30, 0.05, 1.05, 0), c(2, 2, 0.5, 0.5, 0.3))
for (x in cases) cat(sprintf("(%g, %g, %g, %g, %g, %.15f),\n", x[1], x[2], x[3], x[4], x[5], post2(x[1], x[2], x[3], x[4], x[5])))
