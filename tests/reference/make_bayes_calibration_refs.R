# Independent reference values for calibrating the threshold c of a single-arm Bayesian
# posterior-probability rule (binary response, beta-mixture prior, optional interims with early
# success and predictive-probability futility) to a target type I error, exactly. Base R (stats)
# for every computation; jsonlite only to write the JSON. Self-contained: the beta-mixture,
# posterior, predictive-probability and exact dynamic-programming functions are copied from
# tests/reference/make_bayes_design_refs.R (that script is not sourced).
#
#   Rscript tests/reference/make_bayes_calibration_refs.R        (from the repository root)
#
# writes tests/reference/bayes_calibration_refs.json (a few seconds).
#
# Rule (as in make_bayes_design_refs.R): posterior(x, n) = P(p > p0 | x of n). Final look: Go iff
# posterior(x, N) > c. Interim n_k: Go if early_success and posterior(x_k, n_k) > c (checked
# first); else No-Go if the predictive probability of a final Go is < f; else continue.
# Operating characteristics are exact (responder-count distribution carried from look to look).
#
# Calibration: the rule's decisions (including the final "needed" count behind the predictive
# probability) change only at the values posterior(x, n), n in interims and N, x in 0..n. V = the
# sorted unique such values (exact doubles as computed here) below 1. For c in [V_i, V_{i+1}) the
# rule equals the rule at c = V_i. T(c) = P(Go) at the true rate p0. T is evaluated at every
# candidate and checked to be non-increasing (stopifnot). The calibrated interval is the one of
# the smallest i with T(V_i) <= alpha: lower = V_i, upper = V_{i+1} (1 if i is the last),
# type_one_error = T(V_i), power = P(Go) at p1 with c = V_i, previous_type_one_error = T(V_{i-1})
# (checked > alpha; i = 1 is an error), candidates = length(V).
# Check for "flat_final_only" (no interims): the calibrated rule is the exact binomial test's,
# Go iff X >= k with k the smallest such that P(Bin(40, 0.1) >= k) <= 0.05 (stopifnot), and its
# T and power equal the binomial tails.
suppressPackageStartupMessages(library(jsonlite))

out_path <- file.path("tests", "reference", "bayes_calibration_refs.json")

# ---------------------------------------------------------------- beta mixtures
mix <- function(w, a, b) {
  stopifnot(length(w) == length(a), length(a) == length(b), abs(sum(w) - 1) < 1e-12)
  list(w = w, a = a, b = b)
}
lse <- function(l) { m <- max(l); m + log(sum(exp(l - m))) }
update_mix <- function(pr, x, n) {
  lw <- log(pr$w) + lbeta(pr$a + x, pr$b + n - x) - lbeta(pr$a, pr$b)
  list(w = exp(lw - lse(lw)), a = pr$a + x, b = pr$b + n - x)
}
pred_pmf <- function(post, m) {
  y <- 0:m
  lp <- sapply(seq_along(post$w), function(i)
    log(post$w[i]) + lchoose(m, y) + lbeta(post$a[i] + y, post$b[i] + m - y) - lbeta(post$a[i], post$b[i]))
  lp <- matrix(lp, nrow = m + 1)
  exp(apply(lp, 1, lse))
}
first_true <- function(v, none) if (any(v)) which(v)[1] - 1 else none
is_monotone <- function(v) !is.unsorted(as.integer(v))

# ---------------------------------------------------------------- single arm
post1 <- function(pr, x, n, p0) {
  u <- update_mix(pr, x, n)
  sum(u$w * pbeta(p0, u$a, u$b, lower.tail = FALSE))
}
needed_final <- function(d) first_true(sapply(0:d$N, function(X) post1(d$prior, X, d$N, d$p0) > d$c), d$N + 1)
pp_single <- function(d, x, n, needed) {
  m <- d$N - n
  pmf <- pred_pmf(update_mix(d$prior, x, n), m)
  stopifnot(abs(sum(pmf) - 1) < 1e-10)
  sum(pmf[x + 0:m >= needed])
}

single_tables <- function(d) {
  needed <- needed_final(d)
  looks <- c(d$interims, d$N)
  has_fut <- !is.na(d$futility)
  tabs <- lapply(seq_along(looks), function(k) {
    n <- looks[k]; xs <- 0:n
    post <- sapply(xs, function(x) post1(d$prior, x, n, d$p0))
    post_ok <- post > d$c
    final <- k == length(looks)
    if (final) {
      go <- post_ok; nogo <- !go; pp <- NULL; fut_floor <- NA
    } else {
      pp <- sapply(xs, function(x) pp_single(d, x, n, needed))
      go <- if (d$early_success) post_ok else rep(FALSE, n + 1)
      nogo <- !go & (if (has_fut) pp < d$futility else rep(FALSE, n + 1))
      fut_floor <- if (has_fut) first_true(pp >= d$futility, n + 1) else 0
      if (has_fut) stopifnot(is_monotone(pp >= d$futility))
    }
    stopifnot(is_monotone(post_ok))
    list(n = n, post = post, pp = pp, go = go, nogo = nogo,
         go_threshold = first_true(post_ok, n + 1), futility_floor = fut_floor)
  })
  list(needed = needed, looks = looks, tabs = tabs)
}

# Exact P(Go) (total over looks) at true rate p.
p_go_total <- function(d, st, p) {
  dist <- 1; prev <- 0
  K <- length(st$looks)
  p_go <- numeric(K)
  for (k in seq_len(K)) {
    n <- st$looks[k]; m <- n - prev
    inc <- dbinom(0:m, m, p)
    new <- numeric(n + 1)
    for (i in seq_along(dist)) new[i - 1 + 0:m + 1] <- new[i - 1 + 0:m + 1] + dist[i] * inc
    tb <- st$tabs[[k]]
    p_go[k] <- sum(new[tb$go])
    new[tb$go | tb$nogo] <- 0
    dist <- new; prev <- n
  }
  stopifnot(sum(dist) < 1e-12)
  sum(p_go)
}

# ---------------------------------------------------------------- calibration
candidates <- function(d) {
  v <- unlist(lapply(c(d$interims, d$N), function(n)
    sapply(0:n, function(x) post1(d$prior, x, n, d$p0))))
  v <- sort(unique(v))
  v[v < 1]
}
calibrate <- function(d) {
  V <- candidates(d)
  at <- function(cc) { dd <- d; dd$c <- cc; dd }
  T <- sapply(V, function(cc) { dd <- at(cc); p_go_total(dd, single_tables(dd), dd$p0) })
  stopifnot(all(diff(T) <= 0))  # non-increasing in c over every candidate
  i <- which(T <= d$alpha)[1]
  stopifnot(!is.na(i), i > 1, T[i - 1] > d$alpha)
  dl <- at(V[i]); stl <- single_tables(dl)
  list(res = list(alpha = d$alpha, p1 = d$p1, lower = V[i],
                  upper = if (i < length(V)) V[i + 1] else 1,
                  type_one_error = T[i], power = p_go_total(dl, stl, d$p1),
                  previous_type_one_error = T[i - 1], candidates = length(V)),
       st = stl, V = V, T = T, i = i)
}

designs <- list(
  robust_mixture = list(prior = mix(c(0.8, 0.2), c(18.5, 1), c(6, 1)), p0 = 0.6, N = 40,
                        interims = c(20, 30), futility = 0.05, early_success = TRUE,
                        alpha = 0.025, p1 = 0.8),
  flat_two_interims = list(prior = mix(1, 1, 1), p0 = 0.1, N = 40, interims = c(15, 25),
                           futility = 0.05, early_success = TRUE, alpha = 0.05, p1 = 0.3),
  flat_final_only = list(prior = mix(1, 1, 1), p0 = 0.1, N = 40, interims = numeric(0),
                         futility = NA, early_success = TRUE, alpha = 0.05, p1 = 0.3))

res <- list()
for (nm in names(designs)) {
  cal <- calibrate(designs[[nm]])
  res[[nm]] <- cal$res
  if (nm == "flat_final_only") {
    d <- designs[[nm]]
    k <- which(pbinom(0:d$N - 1, d$N, d$p0, lower.tail = FALSE) <= d$alpha)[1] - 1
    stopifnot(cal$st$needed == k,
              abs(cal$res$type_one_error - pbinom(k - 1, d$N, d$p0, lower.tail = FALSE)) < 1e-14,
              abs(cal$res$power - pbinom(k - 1, d$N, d$p1, lower.tail = FALSE)) < 1e-14)
  }
}

out <- list(r = R.version.string, designs = res)
write_json(out, out_path, digits = NA, auto_unbox = TRUE, pretty = TRUE)
cat("wrote", out_path, "\n")
