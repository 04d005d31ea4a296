# Reference values for the conjugate Bayesian computations in src/stats/bayes.rs: beta-binomial
# posteriors, the posterior probability of a difference of two rates, the single-arm predictive
# probability of success, robust beta-mixture priors, fixed-weight power priors, the ELIR
# effective sample size, gamma-Poisson hazards, the normal-normal log hazard ratio update, and a
# beta-binomial pmf sanity check. Base R (stats) and jsonlite only.
#
#   Rscript tests/reference/make_bayes_refs.R > tests/reference/bayes_refs.json
#
# Blocks (each a list of cases; every case records its inputs under the names below):
#  beta_posterior   Beta(a, b) prior, x responders of n -> Beta(A = a + x, B = b + n - x).
#                   prob_above = pbeta(threshold, A, B, lower.tail = FALSE); mean = A / (A + B);
#                   q025, q975 = qbeta(c(0.025, 0.975), A, B).
#  beta_difference  Independent posteriors p1 ~ Beta(A1, B1), A1 = a1 + x1, B1 = b1 + n1 - x1, and
#                   p0 ~ Beta(A0, B0). prob = P(p1 - p0 > delta)
#                     = integrate(function(q) dbeta(q, A0, B0) * S1(q + delta), 0, 1,
#                                 rel.tol = 1e-12, subdivisions = 1000)
#                   with S1(u) = pbeta(u, A1, B1, lower.tail = FALSE) for u in [0, 1], 1 for u < 0,
#                   0 for u > 1; the range is split at the kink q = -delta or q = 1 - delta.
#                   prob_swapped: the same probability integrated over p1 instead,
#                     integrate(function(p) dbeta(p, A1, B1) * pbeta(p - delta, A0, B0), ...).
#                   prob_alt by a different route: alt_method "exact_sum" (delta = 0, integer
#                   A0, B0, A1, B1):  P(p1 > p0) = sum_{i=0}^{A1-1} B(A0 + i, B0 + B1) /
#                     ((B1 + i) B(1 + i, B1) B(A0, B0)), summed on the log scale (alt_se = 0);
#                   otherwise "monte_carlo": mean(rbeta(1e7, A1, B1) - rbeta(1e7, A0, B0) > delta),
#                   alt_se = sqrt(prob_alt (1 - prob_alt) / 1e7). difference = prob - prob_alt.
#  predictive       Single arm, x of n at the interim, N in all, Beta(a, b) prior. Final success:
#                   pbeta(p0, a + y, b + N - y, lower.tail = FALSE) > c for total responders y.
#                   min_final_responders = smallest such y in 0..N (N + 1 if none);
#                   predictive_probability = sum_{y=0}^{N-n} bb(y; N - n, a + x, b + n - x)
#                     * 1[x + y >= min_final_responders], with the beta-binomial pmf
#                   bb(y; m, A, B) = exp(lchoose(m, y) + lbeta(A + y, B + m - y) - lbeta(A, B)).
#  mixture          Prior w Beta(a1, b1) + (1 - w) Beta(a2, b2), data x of n. m_k = bb(x; n, a_k, b_k);
#                   posterior_weight = w m1 / (w m1 + (1 - w) m2) (of the first, informative part);
#                   posterior = posterior_weight Beta(a1 + x, b1 + n - x) + (1 - posterior_weight)
#                   Beta(a2 + x, b2 + n - x); prob_above = P(p > t) under it (pbeta upper tails);
#                   posterior_mean = the weighted component means.
#  power_prior      Beta(a, b) initial prior, historical x_h of n_h discounted by fixed a0, current
#                   x of n: A = a + a0 x_h + x, B = b + a0 (n_h - x_h) + n - x;
#                   prob_above = pbeta(t, A, B, lower.tail = FALSE).
#  ess_elir         Expected local-information-ratio ESS (Neuenschwander, Weber, Schmidli &
#                   O'Hagan 2020) w.r.t. the binomial, prior pi = sum_k w_k Beta(a_k, b_k):
#                   ESS = integrate(pi(t) i_pi(t) t (1 - t), 0, 1, rel.tol = 1e-10), where
#                   i_pi = -d^2/dt^2 log pi and i_F(t) = 1 / (t (1 - t)). With f_k the component
#                   densities, r_k = w_k f_k / pi, g_k = (a_k - 1)/t - (b_k - 1)/(1 - t),
#                   g_k' = -(a_k - 1)/t^2 - (b_k - 1)/(1 - t)^2:
#                     i_pi = -sum_k r_k (g_k^2 + g_k') + (sum_k r_k g_k)^2
#                   (pi'/pi = sum r_k g_k, pi''/pi = sum r_k (g_k^2 + g_k')). For one Beta(a, b),
#                   a, b > 1, this equals a + b (checked); ess_mtm = a + b is the Morita-Thall-
#                   Mueller (2008) ESS, given for single-beta cases only.
#  gamma_poisson    Hazard lambda ~ Gamma(shape a, rate b), d events over exposure E:
#                   posterior Gamma(a + d, b + E); prob_below = pgamma(lambda0, a + d, b + E);
#                   median = qgamma(0.5, a + d, b + E); mean = (a + d) / (b + E).
#  normal_normal    log HR theta ~ N(m, s^2), estimate theta_hat with standard error se:
#                   precision = 1/s^2 + 1/se^2, mean = (m/s^2 + theta_hat/se^2) / precision,
#                   sd = precision^-1/2; prob_below = pnorm(log(hr0), mean, sd).
#  beta_binomial_sum_check  sum_{y=0}^{m} bb(y; m, A, B) (should be 1).
suppressPackageStartupMessages(library(jsonlite))

bb <- function(y, m, A, B) exp(lchoose(m, y) + lbeta(A + y, B + m - y) - lbeta(A, B))

# 1. beta_posterior
beta_posterior <- list()
for (cs in list(c(1, 1, 0, 10, 0.1), c(1, 1, 10, 10, 0.5), c(0.5, 0.5, 7, 25, 0.3),
                c(1, 1, 160, 500, 0.3), c(2, 8, 3, 40, 0.05), c(1, 1, 0, 200, 0.1),
                c(0.5, 0.5, 40, 40, 0.95), c(3, 7, 12, 30, 0.39))) {
  a <- cs[1]; b <- cs[2]; x <- cs[3]; n <- cs[4]; t <- cs[5]
  A <- a + x; B <- b + n - x
  beta_posterior[[length(beta_posterior) + 1]] <- list(
    a = a, b = b, x = x, n = n, threshold = t,
    prob_above = pbeta(t, A, B, lower.tail = FALSE), mean = A / (A + B),
    q025 = qbeta(0.025, A, B), q975 = qbeta(0.975, A, B))
}

# 2. beta_difference
diff_int <- function(A1, B1, A0, B0, delta) {
  S1 <- function(u) ifelse(u < 0, 1, ifelse(u > 1, 0, pbeta(pmin(pmax(u, 0), 1), A1, B1, lower.tail = FALSE)))
  f <- function(q) dbeta(q, A0, B0) * S1(q + delta)
  k <- if (delta > 0) 1 - delta else if (delta < 0) -delta else NA
  I <- function(lo, hi) integrate(f, lo, hi, rel.tol = 1e-12, subdivisions = 1000)$value
  if (is.na(k)) I(0, 1) else I(0, k) + I(k, 1)
}
diff_swapped <- function(A1, B1, A0, B0, delta) {
  g <- function(p) dbeta(p, A1, B1) * pbeta(pmin(pmax(p - delta, 0), 1), A0, B0)
  k <- if (delta > 0) delta else if (delta < 0) 1 + delta else NA
  I <- function(lo, hi) integrate(g, lo, hi, rel.tol = 1e-12, subdivisions = 1000)$value
  if (is.na(k)) I(0, 1) else I(0, k) + I(k, 1)
}
diff_exact <- function(A1, B1, A0, B0) {
  i <- 0:(A1 - 1)
  sum(exp(lbeta(A0 + i, B0 + B1) - log(B1 + i) - lbeta(1 + i, B1) - lbeta(A0, B0)))
}
set.seed(20240611)
n_mc <- 1e7
beta_difference <- list()
for (cs in list(c(1, 1, 12, 30, 1, 1, 7, 30, 0), c(1, 1, 12, 30, 1, 1, 7, 30, -0.1),
                c(1, 1, 12, 30, 1, 1, 7, 30, 0.15), c(1, 1, 160, 400, 1, 1, 130, 400, 0),
                c(1, 1, 10, 10, 1, 1, 0, 10, 0.15), c(0.5, 0.5, 3, 20, 0.5, 0.5, 5, 20, 0),
                c(2, 3, 0, 15, 1, 1, 4, 15, -0.1), c(1, 1, 45, 60, 1, 1, 20, 60, 0.15))) {
  a1 <- cs[1]; b1 <- cs[2]; x1 <- cs[3]; n1 <- cs[4]; a0 <- cs[5]; b0 <- cs[6]; x0 <- cs[7]; n0 <- cs[8]
  delta <- cs[9]
  A1 <- a1 + x1; B1 <- b1 + n1 - x1; A0 <- a0 + x0; B0 <- b0 + n0 - x0
  prob <- diff_int(A1, B1, A0, B0, delta)
  if (delta == 0 && all(c(A1, B1, A0, B0) == round(c(A1, B1, A0, B0)))) {
    alt <- diff_exact(A1, B1, A0, B0); method <- "exact_sum"; se <- 0
  } else {
    alt <- mean(rbeta(n_mc, A1, B1) - rbeta(n_mc, A0, B0) > delta)
    method <- "monte_carlo"; se <- sqrt(alt * (1 - alt) / n_mc)
  }
  beta_difference[[length(beta_difference) + 1]] <- list(
    a1 = a1, b1 = b1, x1 = x1, n1 = n1, a0 = a0, b0 = b0, x0 = x0, n0 = n0, delta = delta,
    prob = prob, prob_swapped = diff_swapped(A1, B1, A0, B0, delta),
    prob_alt = alt, alt_method = method, alt_se = se, difference = prob - alt)
}

# 3. predictive
predictive <- list()
for (cs in list(c(1, 1, 6, 20, 40, 0.2, 0.95), c(1, 1, 0, 20, 40, 0.2, 0.95),
                c(1, 1, 20, 20, 40, 0.2, 0.95), c(0.5, 0.5, 4, 15, 30, 0.15, 0.9),
                c(1, 1, 30, 60, 120, 0.4, 0.975), c(1, 1, 2, 5, 10, 0.9, 0.999),
                c(2, 8, 5, 25, 25, 0.1, 0.9), c(1, 1, 9, 40, 100, 0.25, 0.8))) {
  a <- cs[1]; b <- cs[2]; x <- cs[3]; n <- cs[4]; N <- cs[5]; p0 <- cs[6]; cc <- cs[7]
  ys <- 0:N
  ok <- pbeta(p0, a + ys, b + N - ys, lower.tail = FALSE) > cc
  ymin <- if (any(ok)) min(ys[ok]) else N + 1
  m <- N - n; y <- 0:m
  pp <- sum(bb(y, m, a + x, b + n - x) * (x + y >= ymin))
  predictive[[length(predictive) + 1]] <- list(
    a = a, b = b, x = x, n = n, N = N, p0 = p0, c = cc,
    min_final_responders = ymin, predictive_probability = pp)
}

# 4. mixture
mixture <- list()
for (cs in list(c(0.8, 12, 28, 1, 1, 9, 30, 0.25), c(0.8, 12, 28, 1, 1, 25, 30, 0.5),
                c(0.5, 30, 70, 1, 1, 0, 20, 0.1), c(0.9, 6, 14, 1, 1, 6, 20, 0.3),
                c(0.7, 50, 150, 1, 1, 95, 100, 0.8), c(0.6, 4, 16, 2, 2, 40, 200, 0.15))) {
  w <- cs[1]; a1 <- cs[2]; b1 <- cs[3]; a2 <- cs[4]; b2 <- cs[5]; x <- cs[6]; n <- cs[7]; t <- cs[8]
  l1 <- log(w) + log(bb(x, n, a1, b1)); l2 <- log(1 - w) + log(bb(x, n, a2, b2))
  pw <- 1 / (1 + exp(l2 - l1))
  A1 <- a1 + x; B1 <- b1 + n - x; A2 <- a2 + x; B2 <- b2 + n - x
  mixture[[length(mixture) + 1]] <- list(
    w = w, a1 = a1, b1 = b1, a2 = a2, b2 = b2, x = x, n = n, t = t,
    posterior_weight = pw,
    prob_above = pw * pbeta(t, A1, B1, lower.tail = FALSE) + (1 - pw) * pbeta(t, A2, B2, lower.tail = FALSE),
    posterior_mean = pw * A1 / (A1 + B1) + (1 - pw) * A2 / (A2 + B2))
}

# 5. power_prior
power_prior <- list()
for (cs in list(c(0, 1, 1, 30, 100, 12, 40, 0.3), c(0.3, 1, 1, 30, 100, 12, 40, 0.3),
                c(0.5, 1, 1, 30, 100, 12, 40, 0.3), c(1, 1, 1, 30, 100, 12, 40, 0.3),
                c(0.5, 0.5, 0.5, 0, 50, 0, 20, 0.05), c(1, 1, 1, 80, 80, 20, 20, 0.9),
                c(0.3, 2, 2, 45, 150, 30, 60, 0.45))) {
  a0 <- cs[1]; a <- cs[2]; b <- cs[3]; xh <- cs[4]; nh <- cs[5]; x <- cs[6]; n <- cs[7]; t <- cs[8]
  A <- a + a0 * xh + x; B <- b + a0 * (nh - xh) + n - x
  power_prior[[length(power_prior) + 1]] <- list(
    a0 = a0, a = a, b = b, x_h = xh, n_h = nh, x = x, n = n, t = t,
    A = A, B = B, prob_above = pbeta(t, A, B, lower.tail = FALSE))
}

# 6. ess_elir
info_ratio <- function(t, w, a, b) {
  # pi(t) * i_pi(t) * t (1 - t), vectorised over t
  vapply(t, function(s) {
    lf <- log(w) + dbeta(s, a, b, log = TRUE)
    lpi <- max(lf) + log(sum(exp(lf - max(lf))))
    r <- exp(lf - lpi)
    g <- (a - 1) / s - (b - 1) / (1 - s)
    gp <- -(a - 1) / s^2 - (b - 1) / (1 - s)^2
    ipi <- -sum(r * (g^2 + gp)) + sum(r * g)^2
    exp(lpi) * ipi * s * (1 - s)
  }, 0)
}
# Check the analytic i_pi against a central finite difference of log pi.
log_pi <- function(s, w, a, b) log(sum(w * dbeta(s, a, b)))
ess_elir <- list()
for (cs in list(list(w = 1, a = 2, b = 3), list(w = 1, a = 12, b = 28), list(w = 1, a = 1.5, b = 8.5),
                list(w = 1, a = 60, b = 40),
                list(w = c(0.8, 0.2), a = c(12, 1), b = c(28, 1)),
                list(w = c(0.5, 0.5), a = c(10, 30), b = c(30, 10)),
                list(w = c(0.9, 0.1), a = c(30, 2), b = c(70, 2)))) {
  w <- cs$w; a <- cs$a; b <- cs$b
  for (s in c(0.13, 0.41, 0.77)) {
    h <- 1e-4
    fd <- -(log_pi(s + h, w, a, b) - 2 * log_pi(s, w, a, b) + log_pi(s - h, w, a, b)) / h^2
    an <- info_ratio(s, w, a, b) / (exp(log_pi(s, w, a, b)) * s * (1 - s))
    stopifnot(abs(fd - an) < 1e-4 * max(1, abs(an)))
  }
  ess <- integrate(info_ratio, 0, 1, w = w, a = a, b = b, rel.tol = 1e-10, subdivisions = 1000)$value
  case <- list(weights = I(w), a = I(a), b = I(b), ess_elir = ess)
  if (length(w) == 1) {
    stopifnot(abs(ess - (a + b)) < 1e-8 * (a + b))
    case$ess_mtm <- a + b
  }
  ess_elir[[length(ess_elir) + 1]] <- case
}

# 7. gamma_poisson
gamma_poisson <- list()
for (cs in list(c(0.1, 1, 0, 50, 0.05), c(0.1, 1, 12, 300, 0.05), c(2, 40, 35, 600, 0.06),
                c(1, 10, 150, 2000, 0.08), c(0.5, 5, 3, 20, 0.5), c(5, 100, 80, 900, 0.1))) {
  a <- cs[1]; b <- cs[2]; d <- cs[3]; E <- cs[4]; l0 <- cs[5]
  gamma_poisson[[length(gamma_poisson) + 1]] <- list(
    a = a, b = b, d = d, E = E, lambda0 = l0,
    prob_below = pgamma(l0, a + d, rate = b + E), median = qgamma(0.5, a + d, rate = b + E),
    mean = (a + d) / (b + E))
}

# 8. normal_normal
normal_normal <- list()
for (cs in list(c(0, 10, log(0.7), 0.2, 1), c(0, 0.5, log(0.7), 0.2, 1), c(log(0.8), 0.15, log(0.6), 0.25, 0.75),
                c(0, 1, log(1.3), 0.1, 1), c(0, 2, log(0.5), 0.4, 0.8), c(log(0.9), 0.05, log(0.7), 0.05, 0.85))) {
  m <- cs[1]; s <- cs[2]; th <- cs[3]; se <- cs[4]; hr0 <- cs[5]
  prec <- 1 / s^2 + 1 / se^2
  pm <- (m / s^2 + th / se^2) / prec; psd <- 1 / sqrt(prec)
  normal_normal[[length(normal_normal) + 1]] <- list(
    m = m, s = s, theta_hat = th, se = se, hr0 = hr0,
    posterior_mean = pm, posterior_sd = psd, prob_below = pnorm(log(hr0), pm, psd))
}

# 9. beta_binomial_sum_check
beta_binomial_sum_check <- list()
for (cs in list(c(10, 1, 1), c(37, 0.5, 2.5), c(500, 40.3, 160.7))) {
  m <- cs[1]; A <- cs[2]; B <- cs[3]
  beta_binomial_sum_check[[length(beta_binomial_sum_check) + 1]] <- list(
    m = m, A = A, B = B, sum = sum(bb(0:m, m, A, B)))
}

out <- list(r = R.version.string, beta_posterior = beta_posterior, beta_difference = beta_difference,
            predictive = predictive, mixture = mixture, power_prior = power_prior, ess_elir = ess_elir,
            gamma_poisson = gamma_poisson, normal_normal = normal_normal,
            beta_binomial_sum_check = beta_binomial_sum_check)
stopifnot(!anyNA(unlist(out)))
cat(toJSON(out, digits = NA, auto_unbox = TRUE))
