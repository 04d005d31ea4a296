# Independent reference values for Bayesian decision rules on a binary response: single-arm
# posterior-probability designs with predictive-probability futility (exact operating
# characteristics by dynamic programming), two-arm posterior probabilities of a rate difference and
# their predictive probabilities, and a Monte Carlo simulation of a two-arm trial with an interim
# on the first patients by entry (plus an exact evaluation of the same trial). Base R (stats) for
# every computation; jsonlite only to write the JSON.
#
#   Rscript tests/reference/make_bayes_design_refs.R        (from the repository root)
#
# writes tests/reference/bayes_design_refs.json (about half a minute on one core).
#
# Priors are beta mixtures sum_i w_i Beta(a_i, b_i), sum w_i = 1. After x responders of n the
# posterior has components Beta(a_i + x, b_i + n - x) with weights proportional to
# w_i B(a_i + x, b_i + n - x) / B(a_i, b_i) (lbeta, normalised by log-sum-exp).
#
# A. single_arm: null rate p0, threshold c, final size N, interims n_1 < ... < N, optional futility
#    f, flag early_success.
#      posterior(x, n) = P(p > p0 | x of n) = sum_i w_i' pbeta(p0, a_i', b_i', lower.tail = FALSE)
#      final: Go iff posterior(x, N) > c, else No-Go. needed = smallest X in 0..N with
#        posterior(X, N) > c (N + 1 if none).
#      interim k (x_k of n_k): Go if early_success and posterior(x_k, n_k) > c (checked first);
#        else No-Go if f is given and PP < f, PP = sum_{y = 0}^{m} 1[x_k + y >= needed] pred(y),
#        m = N - n_k, pred(y) = sum_i w_i' exp(lchoose(m, y) + lbeta(a_i' + y, b_i' + m - y)
#        - lbeta(a_i', b_i')) (interim posterior weights/parameters); else continue.
#    Operating characteristics at a true rate p are exact: a distribution over the responder count
#    is carried from look to look (binomial increments; stopped mass removed). looks[k]: n,
#    go_threshold (smallest x in 0..n with posterior(x, n) > c, n + 1 if none; it only acts at an
#    interim when early_success is TRUE), futility_floor (smallest x in 0..n with PP >= f, n + 1 if
#    none; 0 without futility; null at the final look), p_go, p_nogo (probability of stopping
#    there with that decision; at the final look p_nogo is "reached the end without Go").
#    p_go_total = sum of p_go over looks; p_nogo_total = 1 - p_go_total; expected_n = sum_k n_k *
#    P(stop at interim k) + N * P(reach the final look).
#    Checks (stopifnot): go / futility decisions are monotone in x; "flat_final_only" P(Go) equals
#    1 - pbinom(needed - 1, N, p); the predictive pmfs sum to 1; a Monte Carlo run (seed 20261207,
#    10^6 trials) of "flat_two_interims" agrees with the exact values within 5 standard errors
#    (recorded under checks).
#
# B. two_arm: H0 p_t - p_c <= delta, threshold c, a mixture prior per arm.
#      post2 = P(p_t - p_c > delta | data) = sum_{i,j} w_ti' w_cj' integrate(q -> dbeta(q, a_cj',
#        b_cj') S_ti(q + delta), 0, 1, rel.tol = 1e-12, subdivisions = 10000), S(u) = pbeta(u, a', b',
#        lower.tail = FALSE) on [0, 1], 1 below 0, 0 above 1; the range is split at the kink
#        (q = -delta for delta < 0, q = 1 - delta for delta > 0).
#      Checks: post2_alt by another route: "exact_sum" for delta = 0 with integer parameters
#        (P(p1 > p0) = sum_{i=0}^{A1-1} B(A0 + i, B0 + B1) / ((B1 + i) B(1 + i, B1) B(A0, B0)),
#        summed over the component pairs), otherwise "swapped_integral" (integrating over p_t).
#      predictive: interim x_t of n_t, x_c of n_c, planned final sizes N_t, N_c, m = N - n per arm:
#        PP = sum_{y_t, y_c} pred_t(y_t) pred_c(y_c) 1[post2(x_t + y_t, N_t, x_c + y_c, N_c) > c].
#        final_threshold_t[X_c] (X_c = 0..N_c) = smallest X_t in 0..N_t with post2(X_t, N_t, X_c,
#        N_c) > c (N_t + 1 if none), by bisection (post2 increases in X_t). pp uses that table;
#        pp_brute_force evaluates the indicator at every (y_t, y_c) cell instead.
#
# C. simulation: n = 120, arms allocated 1:1 by permuted blocks of 4 in randomisation order,
#    entry month iid Uniform(0, 12), response with probability p_t / p_c by arm (no deaths or
#    dropouts). Interim on the first 60 patients by entry (per-arm counts among them), final on all
#    120 (60/60). Rule: delta = 0, c = 0.975, Beta(1, 1) priors, early_success: Go at the interim
#    if post2 > c; else No-Go if PP < 0.1 (PP with planned N_t = N_c = 60); final Go iff post2 > c.
#    set.seed(20261208) once, then for each scenario in order (0.3, 0.3), (0.5, 0.3): a 120 x
#    n_trials matrix of runif (allocation: within each block of 4 the two smallest are
#    treatment), then a matrix of runif(0, 12) entry months, then a matrix of runif for responses
#    (response iff u < p of the arm). Estimates with Monte Carlo standard errors
#    sqrt(p (1 - p) / n_trials); expected_n = 120 - 60 P(stop at interim), MCSE 60 sqrt(s (1 - s) /
#    n_trials). exact: the same quantities computed exactly - because entry is independent of arm,
#    the interim treatment count is Hypergeometric(60 treatment, 60 control, 60 drawn), then the
#    binomial responder counts; the sum over n_t is cut where dhyper < 1e-15 (cut mass recorded).
#    z = (estimate - exact) / MCSE (stopifnot |z| < 5). The simulation decides the final look with
#    post2 itself; the exact evaluation uses final_threshold_t, checked against post2 on all 61 x 61
#    final cells (checks.simulation_final_threshold_grid).
suppressPackageStartupMessages(library(jsonlite))

out_path <- file.path("tests", "reference", "bayes_design_refs.json")

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
# Beta-binomial mixture pmf of y in 0..m under the mixture `post` (logs per component, then
# log-sum-exp over components).
pred_pmf <- function(post, m) {
  y <- 0:m
  lp <- sapply(seq_along(post$w), function(i)
    log(post$w[i]) + lchoose(m, y) + lbeta(post$a[i] + y, post$b[i] + m - y) - lbeta(post$a[i], post$b[i]))
  lp <- matrix(lp, nrow = m + 1)
  exp(apply(lp, 1, lse))
}
prior_json <- function(pr) list(weights = I(pr$w), a = I(pr$a), b = I(pr$b))
first_true <- function(v, none) if (any(v)) which(v)[1] - 1 else none
# TRUE when a logical vector over x = 0, 1, ... is FALSE...FALSE TRUE...TRUE
is_monotone <- function(v) !is.unsorted(as.integer(v))

# ---------------------------------------------------------------- A. single arm
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

# Decision tables per look: go / nogo logical vectors over x = 0..n_k.
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

oc_single <- function(d, st, p) {
  dist <- 1; prev <- 0
  K <- length(st$looks)
  p_go <- p_nogo <- numeric(K)
  for (k in seq_len(K)) {
    n <- st$looks[k]; m <- n - prev
    inc <- dbinom(0:m, m, p)
    new <- numeric(n + 1)
    for (i in seq_along(dist)) new[i - 1 + 0:m + 1] <- new[i - 1 + 0:m + 1] + dist[i] * inc
    tb <- st$tabs[[k]]
    p_go[k] <- sum(new[tb$go]); p_nogo[k] <- sum(new[tb$nogo])
    new[tb$go | tb$nogo] <- 0
    dist <- new; prev <- n
  }
  stopifnot(sum(dist) < 1e-12)  # everything decided at the final look
  stop_int <- if (K > 1) p_go[-K] + p_nogo[-K] else numeric(0)
  en <- sum(st$looks[-K] * stop_int) + st$looks[K] * (1 - sum(stop_int))
  looks <- lapply(seq_len(K), function(k) list(
    n = st$looks[k], final = k == K,
    go_threshold = st$tabs[[k]]$go_threshold,
    futility_floor = st$tabs[[k]]$futility_floor,
    p_go = p_go[k], p_nogo = p_nogo[k]))
  list(p = p, looks = looks,
       p_go_interims = sum(p_go[-K]), p_nogo_interims = sum(p_nogo[-K]),
       p_go_final = p_go[K], p_nogo_final = p_nogo[K],
       p_go_total = sum(p_go), p_nogo_total = 1 - sum(p_go), expected_n = en)
}

designs <- list(
  flat_final_only = list(prior = mix(1, 1, 1), p0 = 0.1, c = 0.95, N = 40, interims = numeric(0),
                         futility = NA, early_success = FALSE, p1 = 0.3),
  flat_two_interims = list(prior = mix(1, 1, 1), p0 = 0.1, c = 0.95, N = 40, interims = c(15, 25),
                           futility = 0.05, early_success = TRUE, p1 = 0.3),
  robust_mixture = list(prior = mix(c(0.8, 0.2), c(18.5, 1), c(6, 1)), p0 = 0.6, c = 0.975, N = 40,
                        interims = c(20, 30), futility = 0.05, early_success = TRUE, p1 = 0.8),
  no_early_success = list(prior = mix(1, 0.5, 0.5), p0 = 0.2, c = 0.9, N = 30, interims = c(10, 20),
                          futility = 0.1, early_success = FALSE, p1 = 0.4))

single_arm <- list()
single_tabs <- list()
for (nm in names(designs)) {
  d <- designs[[nm]]
  st <- single_tables(d)
  single_tabs[[nm]] <- st
  rec <- list(prior = prior_json(d$prior), p0 = d$p0, c = d$c, N = d$N, interims = I(d$interims),
              futility = d$futility,
              early_success = d$early_success, p1 = d$p1, needed = st$needed,
              oc_p0 = oc_single(d, st, d$p0), oc_p1 = oc_single(d, st, d$p1))
  single_arm[[nm]] <- rec
}
# design 3 extras
d3 <- designs$robust_mixture
single_arm$robust_mixture$pp_at_n20 <- I(sapply(0:20, function(x) pp_single(d3, x, 20, single_tabs$robust_mixture$needed)))
single_arm$robust_mixture$posterior_at_n40 <- I(sapply(0:40, function(x) post1(d3$prior, x, 40, d3$p0)))
single_arm$robust_mixture$conflict_curve <- lapply(seq(0.5, 0.9, by = 0.05), function(p) {
  o <- oc_single(d3, single_tabs$robust_mixture, p)
  list(p = p, p_go_total = o$p_go_total, p_nogo_total = o$p_nogo_total, expected_n = o$expected_n,
       p_go_interims = o$p_go_interims, p_nogo_interims = o$p_nogo_interims)
})

# checks for A
checks <- list()
d1 <- designs$flat_final_only
ch1 <- lapply(c(d1$p0, d1$p1), function(p) {
  ex <- oc_single(d1, single_tabs$flat_final_only, p)$p_go_total
  bn <- 1 - pbinom(single_tabs$flat_final_only$needed - 1, d1$N, p)
  stopifnot(abs(ex - bn) < 1e-14)
  list(p = p, p_go_dp = ex, p_go_binomial = bn, difference = ex - bn)
})
checks$flat_final_only_binomial <- ch1

set.seed(20261207)
mc_single <- function(d, st, p, n_sim) {
  K <- length(st$looks)
  x <- integer(n_sim); prev <- 0
  alive <- rep(TRUE, n_sim); stop_n <- rep(d$N, n_sim); go <- rep(FALSE, n_sim)
  for (k in seq_len(K)) {
    n <- st$looks[k]
    x <- x + rbinom(n_sim, n - prev, p); prev <- n
    tb <- st$tabs[[k]]
    g <- alive & tb$go[x + 1]; ng <- alive & tb$nogo[x + 1]
    go[g] <- TRUE
    if (k < K) stop_n[g | ng] <- n
    alive <- alive & !(g | ng)
  }
  c(p_go_total = mean(go), expected_n = mean(stop_n),
    se_go = sqrt(mean(go) * (1 - mean(go)) / n_sim), se_n = sd(stop_n) / sqrt(n_sim))
}
d2 <- designs$flat_two_interims
checks$flat_two_interims_monte_carlo <- lapply(c(d2$p0, d2$p1), function(p) {
  n_sim <- 1e6
  mc <- mc_single(d2, single_tabs$flat_two_interims, p, n_sim)
  ex <- oc_single(d2, single_tabs$flat_two_interims, p)
  z_go <- (mc[["p_go_total"]] - ex$p_go_total) / mc[["se_go"]]
  z_n <- (mc[["expected_n"]] - ex$expected_n) / mc[["se_n"]]
  stopifnot(abs(z_go) < 5, abs(z_n) < 5)
  list(p = p, n_trials = n_sim, seed = 20261207,
       p_go_mc = mc[["p_go_total"]], p_go_mcse = mc[["se_go"]], p_go_exact = ex$p_go_total, z_go = z_go,
       expected_n_mc = mc[["expected_n"]], expected_n_mcse = mc[["se_n"]], expected_n_exact = ex$expected_n,
       z_expected_n = z_n)
})

# ---------------------------------------------------------------- B. two arms
post2_beta <- function(at, bt, ac, bc, delta) {
  St <- function(u) {
    out <- numeric(length(u)); out[u < 0] <- 1
    ins <- u >= 0 & u <= 1
    out[ins] <- pbeta(u[ins], at, bt, lower.tail = FALSE)
    out
  }
  f <- function(q) dbeta(q, ac, bc) * St(q + delta)
  k <- if (delta > 0) 1 - delta else if (delta < 0) -delta else NA
  I <- function(lo, hi) integrate(f, lo, hi, rel.tol = 1e-12, subdivisions = 10000L)$value
  if (is.na(k)) I(0, 1) else I(0, k) + I(k, 1)
}
post2_beta_swapped <- function(at, bt, ac, bc, delta) {
  g <- function(p) dbeta(p, at, bt) * pbeta(pmin(pmax(p - delta, 0), 1), ac, bc)
  k <- if (delta > 0) delta else if (delta < 0) 1 + delta else NA
  I <- function(lo, hi) integrate(g, lo, hi, rel.tol = 1e-12, subdivisions = 10000L)$value
  if (is.na(k)) I(0, 1) else I(0, k) + I(k, 1)
}
post2_beta_exact <- function(A1, B1, A0, B0) {
  i <- 0:(A1 - 1)
  sum(exp(lbeta(A0 + i, B0 + B1) - log(B1 + i) - lbeta(1 + i, B1) - lbeta(A0, B0)))
}
post2_with <- function(fun, prt, prc, xt, nt, xc, nc, delta) {
  ut <- update_mix(prt, xt, nt); uc <- update_mix(prc, xc, nc)
  s <- 0
  for (i in seq_along(ut$w)) for (j in seq_along(uc$w))
    s <- s + ut$w[i] * uc$w[j] * fun(ut$a[i], ut$b[i], uc$a[j], uc$b[j], delta)
  s
}
post2_raw <- function(prt, prc, xt, nt, xc, nc, delta) post2_with(post2_beta, prt, prc, xt, nt, xc, nc, delta)

# A memoised post2 for a fixed (priors, delta).
make_post2 <- function(prt, prc, delta) {
  memo <- new.env(hash = TRUE)
  function(xt, nt, xc, nc) {
    key <- paste(xt, nt, xc, nc)
    v <- memo[[key]]
    if (is.null(v)) { v <- post2_raw(prt, prc, xt, nt, xc, nc, delta); assign(key, v, envir = memo) }
    v
  }
}
# final_threshold_t[X_c + 1] = smallest X_t in 0..Nt with post2(X_t, Nt, X_c, Nc) > c.
final_thresholds <- function(p2, Nt, Nc, cc) {
  sapply(0:Nc, function(Xc) {
    ok <- function(Xt) p2(Xt, Nt, Xc, Nc) > cc
    if (!ok(Nt)) return(Nt + 1)
    if (ok(0)) return(0)
    lo <- 0; hi <- Nt  # ok(lo) FALSE, ok(hi) TRUE
    while (hi - lo > 1) { mid <- (lo + hi) %/% 2; if (ok(mid)) hi <- mid else lo <- mid }
    hi
  })
}
pp2 <- function(prt, prc, xt, nt, xc, nc, Nt, Nc, thr) {
  mt <- Nt - nt; mc <- Nc - nc
  pt <- pred_pmf(update_mix(prt, xt, nt), mt); pc <- pred_pmf(update_mix(prc, xc, nc), mc)
  tail_t <- rev(cumsum(rev(pt)))  # tail_t[k + 1] = P(y_t >= k), k = 0..mt
  need <- thr[xc + 0:mc + 1] - xt  # y_t needed for each y_c
  s <- ifelse(need <= 0, 1, ifelse(need > mt, 0, tail_t[pmin(pmax(need, 0), mt) + 1]))
  sum(pc * s)
}
pp2_brute <- function(p2, prt, prc, xt, nt, xc, nc, Nt, Nc, cc) {
  mt <- Nt - nt; mc <- Nc - nc
  pt <- pred_pmf(update_mix(prt, xt, nt), mt); pc <- pred_pmf(update_mix(prc, xc, nc), mc)
  s <- 0
  for (yt in 0:mt) for (yc in 0:mc)
    if (p2(xt + yt, Nt, xc + yc, Nc) > cc) s <- s + pt[yt + 1] * pc[yc + 1]
  s
}

flat <- mix(1, 1, 1)
ctl_mix <- mix(c(0.7, 0.3), c(15, 1), c(35, 1))
jeff <- mix(1, 0.5, 0.5)
post2_cases <- list(
  list(xt = 12, nt = 30, xc = 6, nc = 30, delta = 0, prt = flat, prc = flat),
  list(xt = 20, nt = 40, xc = 14, nc = 40, delta = -0.1, prt = flat, prc = flat),
  list(xt = 8, nt = 20, xc = 5, nc = 20, delta = 0, prt = flat, prc = ctl_mix),
  list(xt = 45, nt = 100, xc = 30, nc = 100, delta = 0, prt = jeff, prc = jeff))
post2_out <- lapply(post2_cases, function(cs) {
  v <- post2_raw(cs$prt, cs$prc, cs$xt, cs$nt, cs$xc, cs$nc, cs$delta)
  ut <- update_mix(cs$prt, cs$xt, cs$nt); uc <- update_mix(cs$prc, cs$xc, cs$nc)
  ints <- all(c(ut$a, ut$b, uc$a, uc$b) == round(c(ut$a, ut$b, uc$a, uc$b)))
  if (cs$delta == 0 && ints) {
    alt <- post2_with(function(at, bt, ac, bc, delta) post2_beta_exact(at, bt, ac, bc),
                      cs$prt, cs$prc, cs$xt, cs$nt, cs$xc, cs$nc, cs$delta)
    method <- "exact_sum"
  } else {
    alt <- post2_with(post2_beta_swapped, cs$prt, cs$prc, cs$xt, cs$nt, cs$xc, cs$nc, cs$delta)
    method <- "swapped_integral"
  }
  stopifnot(abs(v - alt) < 1e-10)
  list(x_t = cs$xt, n_t = cs$nt, x_c = cs$xc, n_c = cs$nc, delta = cs$delta,
       prior_t = prior_json(cs$prt), prior_c = prior_json(cs$prc),
       prob = v, prob_alt = alt, alt_method = method, difference = v - alt)
})

pp_cases <- list(
  list(xt = 9, nt = 20, xc = 5, nc = 20, Nt = 40, Nc = 40, delta = 0, c = 0.975, prt = flat, prc = flat),
  list(xt = 14, nt = 30, xc = 9, nc = 30, Nt = 60, Nc = 60, delta = 0, c = 0.95, prt = flat, prc = ctl_mix))
pp_out <- lapply(pp_cases, function(cs) {
  p2 <- make_post2(cs$prt, cs$prc, cs$delta)
  thr <- final_thresholds(p2, cs$Nt, cs$Nc, cs$c)
  pp <- pp2(cs$prt, cs$prc, cs$xt, cs$nt, cs$xc, cs$nc, cs$Nt, cs$Nc, thr)
  ppb <- pp2_brute(p2, cs$prt, cs$prc, cs$xt, cs$nt, cs$xc, cs$nc, cs$Nt, cs$Nc, cs$c)
  stopifnot(abs(pp - ppb) < 1e-12)
  list(x_t = cs$xt, n_t = cs$nt, x_c = cs$xc, n_c = cs$nc, N_t = cs$Nt, N_c = cs$Nc,
       delta = cs$delta, c = cs$c, prior_t = prior_json(cs$prt), prior_c = prior_json(cs$prc),
       pp = pp, pp_brute_force = ppb, final_threshold_t = I(thr),
       post2_interim = p2(cs$xt, cs$nt, cs$xc, cs$nc))
})

# ---------------------------------------------------------------- C. simulation
sim_cfg <- list(n = 120, block = 4, entry_months = 12, interim_n = 60, delta = 0, c = 0.975,
                futility = 0.1, N_t = 60, N_c = 60, early_success = TRUE)
p2s <- make_post2(flat, flat, sim_cfg$delta)
thr_s <- final_thresholds(p2s, sim_cfg$N_t, sim_cfg$N_c, sim_cfg$c)
pp_memo <- new.env(hash = TRUE)
# interim decision: "go", "nogo" or "continue"; memoised by the four counts
interim_decision <- function(xt, nt, xc, nc) {
  key <- paste(xt, nt, xc, nc)
  v <- pp_memo[[key]]
  if (is.null(v)) {
    v <- if (p2s(xt, nt, xc, nc) > sim_cfg$c) "go" else {
      pp <- pp2(flat, flat, xt, nt, xc, nc, sim_cfg$N_t, sim_cfg$N_c, thr_s)
      if (pp < sim_cfg$futility) "nogo" else "continue"
    }
    assign(key, v, envir = pp_memo)
  }
  v
}
final_go <- function(Xt, Xc) p2s(Xt, sim_cfg$N_t, Xc, sim_cfg$N_c) > sim_cfg$c
# The bisection table against post2 evaluated on the whole final grid (monotonicity in X_t).
grid <- expand.grid(Xt = 0:sim_cfg$N_t, Xc = 0:sim_cfg$N_c)
grid_direct <- mapply(final_go, grid$Xt, grid$Xc)
grid_table <- grid$Xt >= thr_s[grid$Xc + 1]
stopifnot(all(grid_direct == grid_table))
checks$simulation_final_threshold_grid <- list(cells = nrow(grid), mismatches = sum(grid_direct != grid_table))

n_trials <- 20000
seed_sim <- 20261208
set.seed(seed_sim)
scenarios <- list(c(0.3, 0.3), c(0.5, 0.3))
sim_out <- lapply(scenarios, function(sc) {
  pt <- sc[1]; pc <- sc[2]; n <- sim_cfg$n
  # allocation: rank within each block of 4; ranks 1-2 treatment
  u <- matrix(runif(n * n_trials), n)
  arr <- array(u, c(4, n / 4, n_trials))
  rk <- array(0L, dim(arr))
  for (i in 1:4) for (j in 1:4) rk[i, , ] <- rk[i, , ] + (arr[j, , ] <= arr[i, , ])
  trt <- matrix(rk <= 2, n)
  stopifnot(all(colSums(trt) == n / 2))
  entry <- matrix(runif(n * n_trials, 0, sim_cfg$entry_months), n)
  resp <- matrix(runif(n * n_trials), n) < ifelse(trt, pt, pc)
  early <- apply(entry, 2, rank) <= sim_cfg$interim_n
  nt <- colSums(trt & early); nc <- colSums(!trt & early)
  xt <- colSums(trt & early & resp); xc <- colSums(!trt & early & resp)
  Xt <- colSums(trt & resp); Xc <- colSums(!trt & resp)
  dec <- mapply(interim_decision, xt, nt, xc, nc)
  fin <- mapply(final_go, Xt, Xc)
  go_i <- dec == "go"; nogo_i <- dec == "nogo"; cont <- dec == "continue"
  go <- go_i | (cont & fin)
  used <- ifelse(cont, n, sim_cfg$interim_n)
  est <- function(v) list(estimate = mean(v), mcse = sqrt(mean(v) * (1 - mean(v)) / n_trials))
  s <- mean(!cont)
  list(p_t = pt, p_c = pc, n_trials = n_trials,
       p_go_interim = est(go_i), p_nogo_interim = est(nogo_i), p_go_total = est(go),
       p_go_final = est(cont & fin),
       expected_n = list(estimate = mean(used), mcse = (n - sim_cfg$interim_n) * sqrt(s * (1 - s) / n_trials)),
       mean_interim_n_t = mean(nt))
})

# exact evaluation of the same trial
exact_sim <- function(pt, pc) {
  ntr <- 0:sim_cfg$interim_n
  ph <- dhyper(ntr, sim_cfg$N_t, sim_cfg$N_c, sim_cfg$interim_n)
  keep <- ph >= 1e-15
  go_i <- nogo_i <- go_f <- 0
  for (nt in ntr[keep]) {
    nc <- sim_cfg$interim_n - nt; mt <- sim_cfg$N_t - nt; mc <- sim_cfg$N_c - nc
    wt <- dbinom(0:nt, nt, pt); wc <- dbinom(0:nc, nc, pc)
    tail_t <- sapply(0:(mt + 1), function(k) pbinom(k - 1, mt, pt, lower.tail = FALSE))  # P(Y_t >= k)
    bc <- dbinom(0:mc, mc, pc)
    for (xt in 0:nt) for (xc in 0:nc) {
      w <- ph[nt + 1] * wt[xt + 1] * wc[xc + 1]
      dcs <- interim_decision(xt, nt, xc, nc)
      if (dcs == "go") go_i <- go_i + w
      else if (dcs == "nogo") nogo_i <- nogo_i + w
      else {
        need <- pmin(pmax(thr_s[xc + 0:mc + 1] - xt, 0), mt + 1)
        go_f <- go_f + w * sum(bc * tail_t[need + 1])
      }
    }
  }
  list(p_go_interim = go_i, p_nogo_interim = nogo_i, p_go_final = go_f, p_go_total = go_i + go_f,
       expected_n = sim_cfg$n - (sim_cfg$n - sim_cfg$interim_n) * (go_i + nogo_i),
       hypergeometric_mass_cut = 1 - sum(ph[keep]))
}
for (k in seq_along(sim_out)) {
  ex <- exact_sim(sim_out[[k]]$p_t, sim_out[[k]]$p_c)
  sim_out[[k]]$exact <- ex
  sim_out[[k]]$z <- list(
    p_go_interim = (sim_out[[k]]$p_go_interim$estimate - ex$p_go_interim) / sim_out[[k]]$p_go_interim$mcse,
    p_nogo_interim = (sim_out[[k]]$p_nogo_interim$estimate - ex$p_nogo_interim) / sim_out[[k]]$p_nogo_interim$mcse,
    p_go_total = (sim_out[[k]]$p_go_total$estimate - ex$p_go_total) / sim_out[[k]]$p_go_total$mcse,
    expected_n = (sim_out[[k]]$expected_n$estimate - ex$expected_n) / sim_out[[k]]$expected_n$mcse)
  stopifnot(all(abs(unlist(sim_out[[k]]$z)) < 5))
}

simulation <- c(sim_cfg, list(
  prior_t = prior_json(flat), prior_c = prior_json(flat), seed = seed_sim, n_trials = n_trials,
  final_threshold_t = I(thr_s),
  scenarios = sim_out))

out <- list(r = R.version.string, generator = "tests/reference/make_bayes_design_refs.R",
            single_arm = single_arm,
            two_arm = list(post2 = post2_out, predictive = pp_out),
            simulation = simulation, checks = checks)
stopifnot(!anyNA(unlist(out[c("two_arm", "simulation", "checks")])))
write_json(out, out_path, digits = NA, auto_unbox = TRUE, pretty = TRUE)
cat("wrote", out_path, "\n")
