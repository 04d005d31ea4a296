# Independent check of tests/reference/rpact_rates_stopping_refs.json (not needed by the tests):
# re-derives every case's final p-value, median-unbiased estimate, final confidence interval and
# repeated confidence intervals from the recorded counts with base R and mvtnorm (the stage-wise
# ordering probabilities by mvtnorm's deterministic Miwa algorithm), following the algorithm of
# rpact 3.3.4's getAnalysisResults for a group-sequential design on rates, and prints the largest
# absolute difference from rpact per quantity.
#
#   Rscript tests/reference/check_rpact_rates_stopping.R
#
# The algorithm (directionUpper = TRUE):
# - z_k: the overall z at look k of the cumulative counts (two arms: pooled at thetaH0 = 0,
#   Farrington-Manning at thetaH0 != 0; one arm: score z with the null variance, or, exact,
#   qnorm(1 - P(X >= x))).
# - Stopping at look 1: p = the stage-1 p-value, the median-unbiased estimate = the observed
#   rate (difference), the final interval = the stage-1 test (normal approximation, whatever the
#   argument) inverted at qnorm(1 - alpha), as for a repeated interval.
# - Stopping at look k > 1: P(theta) = sum over j <= k of P(cross the upper bound at j, not
#   before), upper bounds c_1..c_{k-1}, z_k, lower bounds the binding futility bounds or -6,
#   Z_j ~ N(theta sqrt(t_j / t_k) sqrt(I_k), 1), corr sqrt(t_i / t_j), t the PLANNED information
#   rates, I_k = 1 / (1/n1 + 1/n2) (two arms) or n (one arm). p = P(0); on the standardized
#   scale the lower limit solves P = alpha, the upper 1 - P = alpha, the median-unbiased estimate
#   P = 1/2 (uniroot on [-8, 8], tol 1e-6); each is then multiplied by the unpooled standard
#   error at the observed rates times sqrt(I_k), and thetaH0 added.
# - Repeated interval at look k: the overall test at look k inverted at c_k with thetaH0 = theta
#   (two arms: the Farrington-Manning z equal to +-c_k; one arm: Wilson's score interval, or, exact,
#   Clopper-Pearson at one-sided level 1 - pnorm(c_k)); with a binding futility rule the lower
#   limit at look k is lowered to the min over j = 2..k of the theta at which z_{j-1}(theta)
#   equals the futility bound f_{j-1}.
suppressMessages({ library(jsonlite); library(mvtnorm) })
refs <- fromJSON("tests/reference/rpact_rates_stopping_refs.json", simplifyVector = FALSE)
num <- function(x) as.numeric(unlist(x))

# Farrington-Manning restricted MLE of (p1, p2) under p1 - p2 = theta (closed form of the cubic).
fm <- function(r1, r2, theta, ratio) {
  if (theta == 0) { m <- (ratio * r1 + r2) / (1 + ratio); return(c(m, m)) }
  a <- 1 + 1 / ratio
  b <- -(1 + 1 / ratio + r1 + r2 / ratio + theta * (1 / ratio + 2))
  cc <- theta^2 + theta * (2 * r1 + 1 / ratio + 1) + r1 + r2 / ratio
  d <- -theta * (1 + theta) * r1
  v <- b^3 / (3 * a)^3 - b * cc / (6 * a^2) + d / (2 * a)
  u <- (if (v < 0) -1 else 1) * sqrt(b^2 / (3 * a)^2 - cc / (3 * a))  # v = 0 (e.g. r1 + r2 = 1 at 1:1): w = pi/2
  w <- (pi + acos(v / u^3)) / 3
  m1 <- min(max(0, 2 * u * cos(w) - b / (3 * a)), 1)
  c(m1, min(max(0, m1 - theta), 1))
}
z_fm <- function(x1, n1, x2, n2, theta) {
  r1 <- x1 / n1; r2 <- x2 / n2; m <- fm(r1, r2, theta, n1 / n2)
  se <- sqrt(m[1] * (1 - m[1]) / n1 + m[2] * (1 - m[2]) / n2)
  if (is.finite(se) && se > 0) (r1 - r2 - theta) / se else sign(r1 - r2 - theta) * 1e6  # theta near +-1
}
# Two-arm interval: the FM z equal to +-crit, theta in (-1, 1).
fm_interval <- function(x1, n1, x2, n2, crit) {
  f <- function(th, s) z_fm(x1, n1, x2, n2, th) - s * crit
  c(uniroot(f, c(-1 + 1e-9, 1 - 1e-9), s = 1, tol = 1e-12)$root,
    uniroot(f, c(-1 + 1e-9, 1 - 1e-9), s = -1, tol = 1e-12)$root)
}
# One-arm interval: score (Wilson) or exact (Clopper-Pearson) at one-sided level 1 - pnorm(crit).
one_interval <- function(x, n, crit, normal) {
  if (normal) {
    r <- x / n
    mid <- r + crit^2 / (2 * n); half <- crit * sqrt(r * (1 - r) / n + crit^2 / (4 * n^2))
    c(if (x == 0) 0 else (mid - half) / (1 + crit^2 / n), if (x == n) 1 else (mid + half) / (1 + crit^2 / n))
  } else {
    a <- pnorm(crit, lower.tail = FALSE)
    c(if (x == 0) 0 else qbeta(a, x, n - x + 1), if (x == n) 1 else qbeta(1 - a, x + 1, n - x))
  }
}
# Stage-wise ordering: P_theta(cross c_j at some j < k, or exceed z_k at k).
stagewise <- function(drift, upper, lower, t) {
  k <- length(upper); s <- sqrt(t / t[k])
  sigma <- outer(seq_len(k), seq_len(k), function(i, j) sqrt(pmin(t[i], t[j]) / pmax(t[i], t[j])))
  total <- 0
  for (j in seq_len(k)) {
    lo <- c(lower[seq_len(j - 1)], upper[j]); hi <- c(upper[seq_len(j - 1)], 40)
    mu <- drift * s[1:j]
    total <- total + if (j == 1) pnorm(upper[1] - mu, lower.tail = FALSE) else as.numeric(pmvnorm(lower = lo - mu, upper = hi - mu, corr = sigma[1:j, 1:j, drop = FALSE],
                                        algorithm = Miwa(steps = 4096)))
  }
  total
}

diffs <- list()
note <- function(name, mine, theirs) diffs[[name]] <<- max(diffs[[name]], abs(mine - theirs))
for (cs in refs$cases) {
  k <- cs$stage; t <- num(cs$information_rates)[1:k]; c_k <- num(cs$critical_values)
  two <- cs$groups == 2; normal <- isTRUE(cs$normal_approximation); th0 <- cs$theta_h0
  n1 <- num(cs$sample_sizes[[1]]); x1 <- num(cs$responders[[1]])
  if (two) { n2 <- num(cs$sample_sizes[[2]]); x2 <- num(cs$responders[[2]]) }
  z <- if (two) mapply(z_fm, x1, n1, x2, n2, MoreArgs = list(theta = th0))
       else if (normal) (x1 / n1 - th0) / sqrt(th0 * (1 - th0) / n1)
       else qnorm(pbinom(x1 - 1, n1, th0, lower.tail = FALSE), lower.tail = FALSE)
  note("z", z, num(cs$z))
  # Repeated confidence intervals.
  for (j in seq_len(k)) {
    ci <- if (two) fm_interval(x1[j], n1[j], x2[j], n2[j], c_k[j]) else one_interval(x1[j], n1[j], c_k[j], normal)
    if (isTRUE(cs$binding_futility) && j > 1) {
      f <- num(cs$futility_bounds)
      corr <- sapply(2:j, function(i) {
        if (two) uniroot(function(th) z_fm(x1[i - 1], n1[i - 1], x2[i - 1], n2[i - 1], th) - f[i - 1],
                         c(-1 + 1e-9, 1 - 1e-9), tol = 1e-12)$root
        else one_interval(x1[i - 1], n1[i - 1], f[i - 1], normal)[1]
      })
      ci[1] <- min(corr, ci[1])
    }
    note("rci_lower", ci[1], num(cs$rci_lower)[j]); note("rci_upper", ci[2], num(cs$rci_upper)[j])
  }
  # Final p-value, median-unbiased estimate, final interval.
  if (k == 1) {
    p <- pnorm(z[1], lower.tail = FALSE)
    if (!two && !normal) p <- pbinom(x1[1] - 1, n1[1], th0, lower.tail = FALSE)
    mue <- if (two) x1[1] / n1[1] - x2[1] / n2[1] else x1[1] / n1[1]
    ci <- if (two) fm_interval(x1[1], n1[1], x2[1], n2[1], qnorm(0.975)) else one_interval(x1[1], n1[1], qnorm(0.975), TRUE)
  } else {
    info <- if (two) 1 / (1 / n1[k] + 1 / n2[k]) else n1[k]
    lower <- c(if (isTRUE(cs$binding_futility)) num(cs$futility_bounds)[1:(k - 1)] else rep(-6, k - 1), -6)
    upper <- c(c_k[1:(k - 1)], z[k])
    prob <- function(theta) stagewise(theta * sqrt(info), upper, lower, t)
    p <- prob(0)
    root <- function(target) uniroot(function(th) prob(th) - target, c(-8, 8), tol = 1e-10)$root
    general <- c(root(0.025), root(0.975), root(0.5))
    se <- if (two) sqrt(x1[k] / n1[k] * (1 - x1[k] / n1[k]) / n1[k] + x2[k] / n2[k] * (1 - x2[k] / n2[k]) / n2[k])
          else sqrt(x1[k] / n1[k] * (1 - x1[k] / n1[k]) / n1[k])
    est <- general * sqrt(info) * se + th0
    ci <- est[1:2]; mue <- est[3]
  }
  ci <- if (two) c(max(-1, ci[1]), min(1, ci[2])) else c(max(0, ci[1]), min(1, ci[2]))
  note("p", p, cs$p); note("median_unbiased", mue, cs$median_unbiased)
  note("lower", ci[1], cs$lower); note("upper", ci[2], cs$upper)
}
cat(sprintf("%d cases; largest absolute difference from rpact %s:\n", length(refs$cases), refs$rpact))
for (n in names(diffs)) cat(sprintf("  %-16s %.2e\n", n, diffs[[n]]))
