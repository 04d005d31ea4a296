# Reference values for the MaxCombo test: Fleming-Harrington G(rho, gamma) statistics for
# (0,0), (0,1), (1,0), (1,1) written out from their definition (weights S(t-)^rho (1-S(t-))^gamma,
# S the pooled left-continuous Kaplan-Meier estimate, hypergeometric variance), their
# correlation, and the p-value P(max Z >= z_max) from mvtnorm::pmvnorm (Miwa algorithm).
# G(0,0) is checked against survdiff and G(1,0) against survdiff(rho = 1) in the same script.
# Run from the repository root:  Rscript tests/reference/make_maxcombo_refs.R
suppressPackageStartupMessages({ library(survival); library(mvtnorm); library(jsonlite) })
fh <- function(d) {
  tt <- sort(unique(d$time[d$status == 1]))
  w <- list(c(0, 0), c(0, 1), c(1, 0), c(1, 1))
  num <- rep(0, 4); cov <- matrix(0, 4, 4); s <- 1
  for (t in tt) {
    atrisk <- d$time >= t
    n <- sum(atrisk); n1 <- sum(atrisk & d$arm == 1)
    dd <- sum(d$time == t & d$status == 1); d1 <- sum(d$time == t & d$status == 1 & d$arm == 1)
    e1 <- dd * n1 / n
    v <- if (n > 1) dd * (n1 / n) * (1 - n1 / n) * (n - dd) / (n - 1) else 0
    wt <- sapply(w, function(p) s^p[1] * (1 - s)^p[2])
    num <- num + wt * (e1 - d1)
    cov <- cov + outer(wt, wt) * v
    s <- s * (1 - dd / n)
  }
  z <- num / sqrt(diag(cov))
  corr <- cov / sqrt(outer(diag(cov), diag(cov)))
  zmax <- max(z)
  set.seed(1)
  p <- 1 - pmvnorm(upper = rep(zmax, 4), corr = corr, algorithm = GenzBretz(maxpts = 5e6, abseps = 1e-7, releps = 0))[1]
  sd0 <- survdiff(Surv(time, status) ~ arm, data = d); sd1 <- survdiff(Surv(time, status) ~ arm, data = d, rho = 1)
  stopifnot(abs(z[1]^2 - sd0$chisq) < 1e-8 * sd0$chisq, abs(z[3]^2 - sd1$chisq) < 1e-8 * sd1$chisq)
  list(z = z, correlation = corr, z_max = zmax, p_value = p)
}
out <- list()
for (name in c("basic", "ties", "crossing", "trial600", "unbalanced", "heavy_censoring")) {
  d <- read.csv(file.path("tests/reference/data", paste0(name, ".csv")))
  out[[name]] <- fh(d)
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/reference/maxcombo_refs.json")
cat("done\n")
