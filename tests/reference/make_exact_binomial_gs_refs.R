# Reference group-sequential boundaries for a single arm's response rate on the exact binomial
# (issue 27 item 1, a single arm at looks), computed independently in base R: at look k with
# n_k patients assessed, reject when the responders x_k >= r_k, r_k the smallest count whose
# cumulative crossing probability under the null rate p0 (a path that crossed no earlier
# boundary and reaches r_k here) is at most alpha spent by the Lan-DeMets function at
# n_k / n_K (all of alpha at the last look); the paths are carried as the distribution of the
# responder count over the continuing region, convolved with Binomial(n_k - n_{k-1}, p) from
# look to look. Also the exact crossing probabilities per look under p0 and p1 (type I error
# and power), and the expected patients assessed where the trials stop.
# With a futility rule (`futility_designs`): at an interim the trial stops when the exact
# one-sided p-value's z, qnorm(1 - P(X >= x | n_k, p0)), is below z_f, i.e. when the
# responders are below the floor a_k, the smallest count whose z reaches z_f. A binding rule
# removes those paths from the null's continuing paths before the boundaries are spent; a
# non-binding one does not. Either way the crossing and futility-stop probabilities under p0
# and p1 count the paths stopped at the floors.
# Inference at stopping (`inference`): outcomes (look k, responders x) in the stage-wise
# ordering; P_p(>= observed) = the crossing probability at earlier looks + P(reach look k with
# x or more responders); the p-value is it at p0; the interval's limits solve P_p(>=) = alpha
# and P_p(<=) = alpha; the median-unbiased estimate is the mean of the p solving P_p(>=) = 1/2
# and P_p(<=) = 1/2 (Hirji, Tsiatis & Mehta 1989); uniroot to 1e-12.
#
#   Rscript tests/reference/make_exact_binomial_gs_refs.R > tests/reference/exact_binomial_gs_refs.json
suppressMessages(library(jsonlite))
spent <- function(type, alpha, t) {
  t <- pmin(pmax(t, 0), 1)
  if (type == "obrien_fleming") 2 - 2 * pnorm(qnorm(1 - alpha / 2) / sqrt(t))
  else if (type == "pocock") alpha * log(1 + (exp(1) - 1) * t)
  else stop("spending")
}
# The distribution of the responders among n_k patients on paths that continued through every
# earlier look, look by look: returns the crossing probability at each look for boundaries r.
crossing <- function(n, r, p, floor = rep(0, length(n))) {
  f <- 1  # P(x = 0 responders among 0 patients)
  out <- numeric(length(n)); futile <- numeric(length(n)); prev <- 0
  for (k in seq_along(n)) {
    add <- dbinom(0:(n[k] - prev), n[k] - prev, p)
    g <- convolve(f, rev(add), type = "open")  # distribution over 0..n[k]
    g[g < 0] <- 0
    x <- 0:(length(g) - 1)
    out[k] <- sum(g[x >= r[k]])
    f <- g * (x < r[k])
    if (k < length(n)) { futile[k] <- sum(f[x < floor[k]]); f <- f * (x >= floor[k]) }
    prev <- n[k]
  }
  attr(out, "futility") <- futile
  out
}
boundaries <- function(n, p0, type, alpha, floor = rep(0, length(n))) {
  K <- length(n); r <- rep(NA_integer_, K); f <- 1; prev <- 0; cum <- 0
  for (k in 1:K) {
    add <- dbinom(0:(n[k] - prev), n[k] - prev, p0)
    g <- convolve(f, rev(add), type = "open"); g[g < 0] <- 0
    x <- 0:(length(g) - 1)
    target <- if (k == K) alpha else spent(type, alpha, n[k] / n[K])
    tail <- rev(cumsum(rev(g)))  # tail[j] = P(x >= j - 1)
    ok <- which(cum + tail <= target + 1e-15)
    rk <- if (length(ok) == 0) n[k] + 1 else min(ok) - 1
    r[k] <- rk
    cum <- cum + if (rk <= n[k]) tail[rk + 1] else 0
    f <- g * (x < rk) * (x >= floor[k]); prev <- n[k]
  }
  r
}
# The smallest count whose exact z reaches z_f (n + 1 when none does).
floor_of <- function(n, p0, z) {
  x <- 0:n
  z_x <- qnorm(1 - pmin(pmax(pbinom(x - 1, n, p0, lower.tail = FALSE), 1e-300), 1))
  ok <- which(pmin(z_x, 40) >= z)
  if (length(ok) == 0) n + 1 else min(ok) - 1
}
designs <- list(
  list(n = c(20, 40, 60), p0 = 0.15, p1 = 0.35, spending = "obrien_fleming"),
  list(n = c(30, 60), p0 = 0.15, p1 = 0.30, spending = "pocock"),
  list(n = c(15, 30, 45, 60), p0 = 0.20, p1 = 0.40, spending = "obrien_fleming"),
  list(n = c(25, 50), p0 = 0.30, p1 = 0.50, spending = "obrien_fleming")
)
out <- lapply(designs, function(d) {
  r <- boundaries(d$n, d$p0, d$spending, 0.025)
  h0 <- crossing(d$n, r, d$p0); h1 <- crossing(d$n, r, d$p1)
  stop_h1 <- c(h1[-length(h1)], 1 - sum(h1[-length(h1)]))
  list(n = d$n, p0 = d$p0, p1 = d$p1, spending = d$spending, alpha = 0.025, responders_to_reject = r,
       crossing_h0 = h0, type_one_error = sum(h0), crossing_h1 = h1, power = sum(h1),
       expected_patients_h1 = sum(stop_h1 * d$n))
})
futility_designs <- list(
  list(n = c(20, 40, 60), p0 = 0.15, p1 = 0.35, spending = "obrien_fleming", futility_z = 0, binding = FALSE),
  list(n = c(20, 40, 60), p0 = 0.15, p1 = 0.35, spending = "obrien_fleming", futility_z = 0.5, binding = TRUE),
  list(n = c(30, 60), p0 = 0.15, p1 = 0.30, spending = "pocock", futility_z = 0.5, binding = TRUE),
  list(n = c(15, 30, 45, 60), p0 = 0.20, p1 = 0.40, spending = "obrien_fleming", futility_z = -0.5, binding = FALSE),
  list(n = c(15, 30, 45, 60), p0 = 0.20, p1 = 0.40, spending = "pocock", futility_z = 0.5, binding = TRUE)
)
futility_out <- lapply(futility_designs, function(d) {
  floor <- sapply(d$n, floor_of, p0 = d$p0, z = d$futility_z)
  floor[length(floor)] <- 0  # no futility stop at the final look
  r <- boundaries(d$n, d$p0, d$spending, 0.025, if (d$binding) floor else rep(0, length(d$n)))
  h0 <- crossing(d$n, r, d$p0, floor); h1 <- crossing(d$n, r, d$p1, floor)
  list(n = d$n, p0 = d$p0, p1 = d$p1, spending = d$spending, alpha = 0.025, futility_z = d$futility_z,
       binding = d$binding, floor = floor, responders_to_reject = r,
       crossing_h0 = as.numeric(h0), futility_h0 = attr(h0, "futility"), type_one_error = sum(h0),
       crossing_h1 = as.numeric(h1), futility_h1 = attr(h1, "futility"), power = sum(h1))
})
# The distribution of the responders at look k on paths that reached it (continuing through
# every earlier look), and the crossing probability at the earlier looks.
reach <- function(n, r, floor, k, p) {
  f <- 1; prev <- 0; crossed <- 0
  for (j in seq_len(k)) {
    add <- dbinom(0:(n[j] - prev), n[j] - prev, p)
    g <- convolve(f, rev(add), type = "open"); g[g < 0] <- 0
    if (j == k) return(list(g = g, crossed = crossed))
    x <- 0:(length(g) - 1)
    crossed <- crossed + sum(g[x >= r[j]])
    f <- g * (x < r[j]) * (x >= floor[j]); prev <- n[j]
  }
}
ge <- function(n, r, floor, k, x, p) { a <- reach(n, r, floor, k, p); a$crossed + sum(a$g[(x + 1):length(a$g)]) }
le <- function(n, r, floor, k, x, p) { a <- reach(n, r, floor, k, p); 1 - a$crossed - sum(a$g[(x + 1):length(a$g)]) + a$g[x + 1] }
# The p at which the decreasing f reaches target.
solve_dec <- function(f, target) {
  if (f(1e-12) <= target) return(0)
  if (f(1 - 1e-12) >= target) return(1)
  uniroot(function(p) f(p) - target, c(1e-12, 1 - 1e-12), tol = 1e-14)$root
}
solve_p <- function(f, target) {
  if (f(1e-12) >= target) return(0)
  if (f(1 - 1e-12) <= target) return(1)
  uniroot(function(p) f(p) - target, c(1e-12, 1 - 1e-12), tol = 1e-14)$root
}
inference_cases <- list(
  list(design = 1, stop = 1, x = 12), list(design = 1, stop = 2, x = 14), list(design = 1, stop = 3, x = 16),
  list(design = 1, stop = 3, x = 9), list(design = 1, stop = 2, x = 20),
  list(design = 3, stop = 1, x = 9), list(design = 3, stop = 3, x = 17), list(design = 3, stop = 4, x = 14),
  list(design = 4, stop = 2, x = 19)
)
inference_out <- lapply(inference_cases, function(ic) {
  d <- designs[[ic$design]]
  r <- boundaries(d$n, d$p0, d$spending, 0.025)
  floor <- rep(0, length(d$n)); k <- ic$stop; x <- ic$x
  at_least <- function(p) ge(d$n, r, floor, k, x, p)
  at_most <- function(p) le(d$n, r, floor, k, x, p)
  list(n = d$n[1:k], p0 = d$p0, spending = d$spending, responders_to_reject = r[1:k], floor = floor[1:k],
       stop = k, responders = x, p = at_least(d$p0),
       lower = solve_p(at_least, 0.025), upper = solve_dec(at_most, 0.025),
       median_unbiased = (solve_p(at_least, 0.5) + solve_dec(at_most, 0.5)) / 2)
})
# With a binding futility rule's floors (futility_designs[[2]]).
fd <- futility_out[[2]]
for (ic in list(list(stop = 2, x = 14), list(stop = 3, x = 12), list(stop = 1, x = 3))) {
  k <- ic$stop; x <- ic$x
  at_least <- function(p) ge(fd$n, fd$responders_to_reject, fd$floor, k, x, p)
  at_most <- function(p) le(fd$n, fd$responders_to_reject, fd$floor, k, x, p)
  inference_out[[length(inference_out) + 1]] <- list(
    n = fd$n[1:k], p0 = fd$p0, spending = fd$spending, responders_to_reject = fd$responders_to_reject[1:k],
    floor = fd$floor[1:k], stop = k, responders = x, p = at_least(fd$p0),
    lower = solve_p(at_least, 0.025), upper = solve_dec(at_most, 0.025),
    median_unbiased = (solve_p(at_least, 0.5) + solve_dec(at_most, 0.5)) / 2)
}
cat(toJSON(list(designs = out, futility_designs = futility_out, inference = inference_out), digits = NA, auto_unbox = TRUE))
