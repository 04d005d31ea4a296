# Asymmetric harm bounds: efficacy boundaries spending alpha in the upper tail and harm bounds
# spending harm_alpha in the lower tail, each look's continuation region between both (both
# bounds stop the trial), derived here independently of peritrial and of rpact (which has no
# asymmetric two-sided design): look by look, each bound is the root of its first-crossing
# probability under the null, computed by mvtnorm's Miwa algorithm (deterministic) on the
# canonical joint law corr(Z_i, Z_j) = sqrt(t_i / t_j). For tests/reference_design.rs.
# Run from the repository root:
#   Rscript tests/reference/make_harm_bounds_refs.R
# Writes tests/reference/harm_bounds_refs.json. R with mvtnorm (Debian r-cran-mvtnorm).
suppressPackageStartupMessages({ library(mvtnorm); library(jsonlite) })
spend <- function(type, a, t, gamma = NA) {
  switch(type,
         asOF = 2 * (1 - pnorm(qnorm(1 - a / 2) / sqrt(t))),
         asP = a * log(1 + (exp(1) - 1) * t),
         asHSD = a * (1 - exp(-gamma * t)) / (1 - exp(-gamma)))
}
design <- function(eff, alpha, harm, harm_alpha, t, gamma = NA, harm_gamma = NA) {
  k_max <- length(t)
  sigma <- outer(t, t, function(a, b) sqrt(pmin(a, b) / pmax(a, b)))
  u <- l <- numeric(k_max)
  ae <- diff(c(0, spend(eff, alpha, t, gamma)))
  ah <- diff(c(0, spend(harm, harm_alpha, t, harm_gamma)))
  first <- function(k, lower, upper) {
    # P(l_j < Z_j < u_j for j < k, lower < Z_k < upper)
    if (k == 1) return(pnorm(upper) - pnorm(lower))
    suppressWarnings(pmvnorm(lower = c(l[1:(k - 1)], lower), upper = c(u[1:(k - 1)], upper),
            sigma = sigma[1:k, 1:k], algorithm = Miwa(steps = 4097)))[1]  # (Miwa puts ±Inf at ±1000)
  }
  for (k in 1:k_max) {
    u[k] <- uniroot(function(x) first(k, x, Inf) - ae[k], c(-1, 12), tol = 1e-12)$root
    l[k] <- uniroot(function(x) first(k, -Inf, x) - ah[k], c(-12, 1), tol = 1e-12)$root
  }
  list(efficacy_spending = eff, alpha = alpha, harm_spending = harm, harm_alpha = harm_alpha,
       gamma = gamma, harm_gamma = harm_gamma, information = t, efficacy = u, harm = l)
}
designs <- list(
  design("asOF", 0.025, "asP", 0.05, c(0.5, 1)),
  design("asOF", 0.025, "asP", 0.1, c(0.4, 0.7, 1)),
  design("asP", 0.025, "asOF", 0.1, c(0.3, 0.6, 1)),
  design("asOF", 0.025, "asOF", 0.2, c(0.25, 0.5, 0.75, 1)),
  design("asHSD", 0.025, "asP", 0.15, c(0.5, 0.75, 1), gamma = -4),
  design("asP", 0.01, "asHSD", 0.05, c(0.33, 0.67, 1), harm_gamma = 1)
)
cat(toJSON(list(mvtnorm = as.character(packageVersion("mvtnorm")), designs = designs), auto_unbox = TRUE,
           digits = NA, pretty = TRUE, na = "null"),
    file = "tests/reference/harm_bounds_refs.json")
