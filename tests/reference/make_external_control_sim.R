# Independent Monte Carlo reference, in base R (+ the sandwich package, used once to check the
# hand-coded HC0 covariance), for a single-arm trial compared with an external control. Writes
# tests/reference/external_control_sim.json, to be compared with the Rust engine's Monte Carlo
# within 4 combined Monte Carlo standard errors.
#
#   Rscript tests/reference/make_external_control_sim.R      (from the repository root)
#
# Seed: set.seed(20261208) once at the start; the four settings run in the order listed below,
# TRIALS virtual trials each.
#
# Model (each virtual trial, n = 400 patients, independently):
# - population: trial with probability 0.4 (arm = 1, treated), external with 0.6 (arm = 0, control)
# - covariates, independent: trial: age ~ N(60, 10), ecog ~ Bern(0.2), frail ~ Bern(q_trial);
#   external: age ~ N(66, 10), ecog ~ Bern(0.45), frail ~ Bern(q_ext)
# - response: logit P(y = 1) = logit(p_ref) - 0.03 (age - 62) - 0.8 ecog - 0.8 frail, p_ref =
#   p_treated (trial) or 0.30 (external); everyone assessed.
# Per trial draw order: arm (rbinom), age (rnorm), ecog (rbinom), frail (rbinom), y (rbinom),
# each a vector over the n patients.
#
# Analyses, each one-sided at 0.025 (reject when z > qnorm(0.975)):
# 1. unadjusted: d = p1 - p0, z = d / sqrt(pbar (1 - pbar) (1/n1 + 1/n0)), pbar pooled.
# Logistic fits by glm.fit (epsilon 1e-10, maxit 50).
# 2. gcomp: glm(y ~ arm + age + ecog, binomial) (frail unmeasured); d = mean over the treated of
#    expit(x'b) with arm = 1 minus the same with arm = 0; SE by the delta method with the HC0
#    sandwich covariance (X'WX)^-1 X' diag((y - p)^2) X (X'WX)^-1 (checked once against
#    sandwich::vcovHC(fit, type = "HC0")); z = d / SE; 95% CI d +- 1.959964 SE.
# 3. ipw: e = fitted(glm(arm ~ age + ecog, binomial)); weights 1 (treated), e / (1 - e)
#    (controls); Hajek means per arm; d = p1w - p0w; SE^2 = sum over arms g of
#    sum_{i in g} w_i^2 (y_i - p_gw)^2 / (sum_{i in g} w_i)^2 (weights fixed); z = d / SE;
#    95% CI d +- 1.959964 SE.
# Truth (ATT): E over the trial population's covariates of
#   expit(logit(p_treated) + L) - expit(logit(0.30) + L), L = -0.03 (age - 62) - 0.8 ecog - 0.8 frail,
# by integrate() over age and exact sums over ecog and frail (q_trial); 0 when p_treated = 0.30.
#
# Reported per setting and analysis: rejection rate (MCSE sqrt(p (1 - p) / R)), mean estimate
# (MCSE sd / sqrt(R)), bias = mean - truth, and for gcomp and ipw the coverage of the truth by
# the 95% CI (MCSE sqrt(c (1 - c) / R)); R = the trials in which that analysis did not fail
# (a glm that did not converge, hit the boundary, or gave fitted values within 1e-8 of 0 or 1,
# an empty arm, or a zero SE), and "failed" counts the rest.
suppressMessages({ library(jsonlite); library(sandwich) })

TRIALS <- 20000L
N <- 400L
ZCRIT <- qnorm(0.975)
Z95 <- 1.959964

settings <- list(
  measured_null          = list(q_trial = 0.2, q_ext = 0.2, p_treated = 0.30),
  measured_alternative   = list(q_trial = 0.2, q_ext = 0.2, p_treated = 0.45),
  unmeasured_null        = list(q_trial = 0.2, q_ext = 0.4, p_treated = 0.30),
  unmeasured_alternative = list(q_trial = 0.2, q_ext = 0.4, p_treated = 0.45)
)

truth_att <- function(p_treated, q_trial) {
  if (p_treated == 0.30) return(0)
  tot <- 0
  for (ecog in 0:1) for (frail in 0:1) {
    pe <- if (ecog == 1) 0.2 else 0.8
    pf <- if (frail == 1) q_trial else 1 - q_trial
    f <- function(age) {
      L <- -0.03 * (age - 62) - 0.8 * ecog - 0.8 * frail
      (plogis(qlogis(p_treated) + L) - plogis(qlogis(0.30) + L)) * dnorm(age, 60, 10)
    }
    v <- integrate(f, -Inf, Inf, rel.tol = 1e-12, abs.tol = 0)$value
    tot <- tot + pe * pf * v
  }
  tot
}

gen_trial <- function(s) {
  arm <- rbinom(N, 1, 0.4)
  age <- rnorm(N, ifelse(arm == 1, 60, 66), 10)
  ecog <- rbinom(N, 1, ifelse(arm == 1, 0.2, 0.45))
  frail <- rbinom(N, 1, ifelse(arm == 1, s$q_trial, s$q_ext))
  pref <- ifelse(arm == 1, s$p_treated, 0.30)
  y <- rbinom(N, 1, plogis(qlogis(pref) - 0.03 * (age - 62) - 0.8 * ecog - 0.8 * frail))
  list(arm = arm, age = age, ecog = ecog, y = y)
}

BINOM <- binomial()
CTRL <- glm.control(epsilon = 1e-10, maxit = 50)
fit_ok <- function(fit) {
  isTRUE(fit$converged) && !isTRUE(fit$boundary) && all(is.finite(fit$coefficients)) &&
    all(fit$fitted.values > 1e-8 & fit$fitted.values < 1 - 1e-8)
}

hc0 <- function(X, y, p) {
  bread <- solve(crossprod(X, X * (p * (1 - p))))
  meat <- crossprod(X, X * (y - p)^2)
  bread %*% meat %*% bread
}

analyse <- function(d) {
  arm <- d$arm; y <- d$y
  n1 <- sum(arm); n0 <- N - n1
  out <- list(un = c(NA, NA), gc = c(NA, NA), ipw = c(NA, NA))  # (estimate, SE or z)
  if (n1 == 0 || n0 == 0) return(out)
  t1 <- arm == 1
  p1 <- mean(y[t1]); p0 <- mean(y[!t1]); pbar <- mean(y)
  if (pbar > 0 && pbar < 1) {
    out$un <- c(p1 - p0, (p1 - p0) / sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n0)))
  }
  # g-computation
  X <- cbind(1, arm, d$age, d$ecog)
  fit <- glm.fit(X, y, family = BINOM, control = CTRL)
  if (fit_ok(fit)) {
    b <- fit$coefficients
    Xt1 <- X[t1, , drop = FALSE]; Xt1[, 2] <- 1
    Xt0 <- Xt1; Xt0[, 2] <- 0
    r1 <- plogis(drop(Xt1 %*% b)); r0 <- plogis(drop(Xt0 %*% b))
    est <- mean(r1) - mean(r0)
    g <- colMeans(Xt1 * (r1 * (1 - r1))) - colMeans(Xt0 * (r0 * (1 - r0)))
    V <- hc0(X, y, fit$fitted.values)
    se <- sqrt(drop(t(g) %*% V %*% g))
    if (is.finite(se) && se > 0) out$gc <- c(est, se)
  }
  # IPW (ATT odds weights)
  Z <- cbind(1, d$age, d$ecog)
  ps <- glm.fit(Z, arm, family = BINOM, control = CTRL)
  if (fit_ok(ps)) {
    e <- ps$fitted.values
    w <- ifelse(t1, 1, e / (1 - e))
    sw1 <- sum(w[t1]); sw0 <- sum(w[!t1])
    p1w <- sum(w[t1] * y[t1]) / sw1; p0w <- sum(w[!t1] * y[!t1]) / sw0
    se <- sqrt(sum(w[t1]^2 * (y[t1] - p1w)^2) / sw1^2 + sum(w[!t1]^2 * (y[!t1] - p0w)^2) / sw0^2)
    if (is.finite(se) && se > 0) out$ipw <- c(p1w - p0w, se)
  }
  out
}

summarise <- function(est, z, truth, se = NULL) {
  ok <- is.finite(est) & is.finite(z)
  R <- sum(ok); est <- est[ok]; z <- z[ok]
  rej <- mean(z > ZCRIT)
  res <- list(
    reject = list(estimate = rej, mcse = sqrt(rej * (1 - rej) / R)),
    mean = list(estimate = mean(est), mcse = sd(est) / sqrt(R)),
    bias = mean(est) - truth
  )
  if (!is.null(se)) {
    se <- se[ok]
    cov <- mean(abs(est - truth) <= Z95 * se)
    res$coverage <- list(estimate = cov, mcse = sqrt(cov * (1 - cov) / R))
  }
  res$failed <- length(ok) - R
  res$trials_used <- R
  res
}

set.seed(20261208)

# One-off check of the hand-coded HC0 covariance against sandwich::vcovHC, on a data set drawn
# before the simulation proper (so it also shifts the stream: it is part of the recorded run).
local({
  d <- gen_trial(settings$unmeasured_alternative)
  df <- data.frame(y = d$y, arm = d$arm, age = d$age, ecog = d$ecog)
  # glm's bread (summary's cov.unscaled) uses the IRLS weights of the last iteration, before
  # its final update, so converge tightly before comparing (at glm's default epsilon = 1e-8 the
  # two differ by ~1e-6 relative; at 1e-14 by ~1e-9).
  fit <- glm(y ~ arm + age + ecog, binomial, data = df,
             control = glm.control(epsilon = 1e-14, maxit = 100))
  Vs <- unname(sandwich::vcovHC(fit, type = "HC0"))
  Vh <- hc0(cbind(1, d$arm, d$age, d$ecog), d$y, unname(fitted(fit)))
  rel <- max(abs(Vs - Vh)) / max(abs(Vs))
  message(sprintf("HC0 check: max relative difference from sandwich::vcovHC = %.2e", rel))
  if (rel > 1e-7) stop("hand-coded HC0 differs from sandwich::vcovHC")
  fit2 <- glm.fit(cbind(1, d$arm, d$age, d$ecog), d$y, family = BINOM, control = CTRL)
  if (max(abs(fit2$coefficients - coef(fit))) > 1e-6) stop("glm.fit differs from glm")
})

out <- list(
  r = R.version.string,
  sandwich = as.character(packageVersion("sandwich")),
  trials = TRIALS,
  n = N,
  seed = 20261208L,
  settings = list()
)

for (nm in names(settings)) {
  s <- settings[[nm]]
  truth <- truth_att(s$p_treated, s$q_trial)
  un <- matrix(NA_real_, TRIALS, 2); gc <- un; ip <- un
  t0 <- proc.time()[["elapsed"]]
  for (r in seq_len(TRIALS)) {
    a <- analyse(gen_trial(s))
    un[r, ] <- a$un; gc[r, ] <- a$gc; ip[r, ] <- a$ipw
  }
  message(sprintf("%s: %.1f s", nm, proc.time()[["elapsed"]] - t0))
  out$settings[[nm]] <- list(
    q_trial = s$q_trial, q_ext = s$q_ext, p_treated = s$p_treated, truth = truth,
    analyses = list(
      unadjusted = summarise(un[, 1], un[, 2], truth),
      gcomp = summarise(gc[, 1], gc[, 1] / gc[, 2], truth, gc[, 2]),
      ipw = summarise(ip[, 1], ip[, 1] / ip[, 2], truth, ip[, 2])
    )
  )
}

write_json(out, "tests/reference/external_control_sim.json",
           auto_unbox = TRUE, digits = NA, pretty = TRUE)
