# Reference real-world-evidence analyses of tests/reference/data/rwe_cohort.csv (a single-arm
# trial, group = 1, against an external control series, group = 0; written by
# tests/reference/make_rwe_data.R): propensity scores, ATE/ATT/overlap weights and balance,
# Cox regression with covariates, weighted Cox with robust variance, weighted Kaplan-Meier,
# logistic regression with g-computation, and the weighted difference of response proportions.
#
#   Rscript tests/reference/make_rwe_refs.R > tests/reference/rwe_refs.json
#
# Needs survival, jsonlite, sandwich and survey (Debian: r-cran-sandwich r-cran-survey).
# Every vector of per-patient values is in the csv's row order (id 1..400); "first10" means
# ids 1..10. Variances are reported as standard errors unless a name says "var".
#
# propensity: glm(group ~ age + ecog + t4 + pci, family = binomial) with glm.control()
#   defaults (epsilon = 1e-8, maxit = 25; IRLS stops when |dev - dev_old| / (|dev| + 0.1) <
#   epsilon). coef, se = sqrt(diag(vcov(fit))), ps_first10 = fitted(fit)[1:10], ps_sum =
#   sum(fitted(fit)) (equal to the number treated, 160, up to convergence: the intercept's
#   score equation), loglik = logLik(fit), iter = fit$iter. e denotes the fitted score.
# weights (Z = group):
#   ate      Z / e + (1 - Z) / (1 - e)
#   att      Z + (1 - Z) e / (1 - e)
#   overlap  Z (1 - e) + (1 - Z) e
#   ate_truncated: the ATE weights clipped to [q01, q99], q = quantile(w_ate, c(0.01, 0.99),
#     type = 7) over all 400 weights (R's default: linear interpolation, h = (n - 1) p + 1);
#     ids_clipped_low/high list the patients whose weights were clipped.
#   For each: first10, sum_treated, sum_control, and the Kish effective sample size per group,
#   ess = (sum w)^2 / sum w^2 within the group.
#   Standardized mean differences, smd = (m1 - m0) / s_pooled for age, ecog, t4, pci, where
#   m_g = sum_{i in g} w_i x_i / sum_{i in g} w_i (w = 1 for "unweighted") and, for every
#   weighting, the same denominator from the UNWEIGHTED groups:
#   s_pooled = sqrt((s1^2 + s0^2) / 2), s_g^2 = var(x[group == g]) (denominator n_g - 1),
#   for the binary covariates too (cobalt's "pooled" s.d.denom, no weights in the SD).
# cox_covariates: coxph(Surv(time, status) ~ group + age + ecog + t4 + pci) with ties =
#   "efron", with ties = "breslow", and Efron with + strata(site); coef, se (naive:
#   sqrt(diag(fit$var))), loglik_null = fit$loglik[1] (log partial likelihood at beta = 0),
#   loglik = fit$loglik[2] (at the solution), iter = fit$iter (coxph.control defaults:
#   eps = 1e-9, iter.max = 20), and the score (log-rank type) test fit$score and the Wald test
#   fit$wald.test, both on 5 df.
# cox_weighted: coxph(Surv(time, status) ~ group, weights = w, robust = TRUE, ties = "efron")
#   for the ATE, ATT and overlap weights (coxph does not normalize the weights). coef,
#   se_naive = sqrt(fit$naive.var) (the inverse of the weighted information), se_robust =
#   sqrt(fit$var): the Lin-Wei sandwich sum_i (w_i D_i)^2 with D_i the per-patient dfbeta
#   (score residual times the inverse information), robust_score = summary(fit)$robscore
#   (the robust score test at beta = 0, 1 df) and the robust Wald statistic (coef/se_robust)^2.
#   survey: svycoxph(Surv(time, status) ~ group, design = svydesign(ids = ~1, weights = ~w_ate,
#   data = d)) for the ATE weights. Same coefficient; its variance is the with-replacement
#   design variance of the same weighted influence terms, n / (n - 1) sum_i (w_i D_i - mean)^2,
#   and the terms sum to zero at the solution, so var_svy = var_coxph_robust * n / (n - 1)
#   exactly (n = 400); ratio_var reports var_svy / var_coxph.
# km_weighted: survfit(Surv(time, status) ~ group, weights = w_ate) and
#   summary(fit, times = c(6, 12, 24), extend = TRUE). With non-integer weights survfit's
#   default is robust = TRUE: the standard errors are the infinitesimal jackknife,
#   var S(t) = sum_i (w_i dS(t)/dw_i)^2 with, over the distinct event times t_j <= t,
#   dS(t)/dw_i = -S(t) sum_j (dN_i(t_j) n_j - Y_i(t_j) d_j) / (n_j (n_j - d_j)),
#   n_j, d_j the weighted numbers at risk and of events (recomputed below and checked).
#   surv and se (summary's std.err, the standard error of S(t) itself) per group; also
#   se_greenwood from robust = FALSE: the weighted Greenwood formula
#   S(t) sqrt(sum_j d_j / (n_j (n_j - d_j))). median = the weighted median from
#   quantile(fit, 0.5) (the first time S(t) <= 0.5; survfit averages with the next event
#   time when S equals 0.5 exactly over an interval).
# logistic_gcomp: fit = glm(response ~ group + age + ecog + t4 + pci, family = binomial):
#   coef, se (model-based). g-computation over all n = 400: p1_i = plogis(x_i(1) b),
#   p0_i = plogis(x_i(0) b) with group set to 1 and 0, rd = mean(p1) - mean(p0) (risk1, risk0).
#   Gradient g = (1/n) sum_i [p1_i (1 - p1_i) x_i(1) - p0_i (1 - p0_i) x_i(0)], and
#   se_delta_model = sqrt(g' vcov(fit) g); se_delta_hc0 = sqrt(g' V_HC0 g),
#   V_HC0 = sandwich::vcovHC(fit, type = "HC0") (Ge et al. 2011, FDA 2023 guidance; both treat
#   the covariates as fixed).
#   With the covariate-averaging term, two versions:
#   se_if = sqrt(sum_i IF_i^2) / n, IF_i = (p1_i - p0_i - rd) + g' A^-1 x_i (y_i - mu_i),
#     A = X' diag(mu (1 - mu)) X / n (the stacked M-estimation sandwich for (b, rd); its second
#     term alone gives g' V_HC0 g; valid without randomization);
#   se_robincar = RobinCar2's gvcov() (Ye et al. 2023, simple randomization, decompose = TRUE)
#     reproduced: with pi_a = n_a / n, preds = (p0, p1), var/cov with denominator n - 1,
#     V_aa = [var(y | a) + var(p_a) - 2 cov(y, p_a | a)] / pi_a + 2 cov(y, p_a | a) - var(p_a),
#     V_01 = cov(y, p_1 | 0) + cov(y, p_0 | 1) - cov(p_0, p_1), all over n, and
#     var rd = V_11 + V_00 - 2 V_01. It assumes randomization, so here (an external control)
#     it is a formula check only.
#   ATT standardization over the treated (n1 = 160): rd_att = mean over group = 1 of
#   (p1_i - p0_i), g_att the same gradient averaged over the treated, se_delta_model and
#   se_delta_hc0 as above.
# weighted_response: ATE weights, Hajek (normalized) proportions p_g = sum_{i in g} w_i y_i /
#   sum_{i in g} w_i and rd = p1 - p0, which is the group coefficient of
#   glm(response ~ group, weights = w_ate, family = quasibinomial(link = "identity"));
#   se_hc0 = sqrt of sandwich::vcovHC(that fit, type = "HC0")["group", "group"], equal to the
#   closed form sqrt(sum_g sum_{i in g} w_i^2 (y_i - p_g)^2 / (sum_{i in g} w_i)^2) (checked);
#   it treats the weights as known. se_ps_estimated: the stacked M-estimation sandwich for
#   (propensity coefficients, p1, p0) with estimating functions x_i (Z_i - e_i),
#   Z_i / e_i (y_i - p1), (1 - Z_i) / (1 - e_i) (y_i - p0) (Lunceford and Davidian 2004),
#   var = A^-1 B A^-T / n with A = -mean derivative, B = mean outer product.
suppressPackageStartupMessages({
  library(survival); library(jsonlite); library(sandwich); library(survey)
})
d <- read.csv("tests/reference/data/rwe_cohort.csv", stringsAsFactors = FALSE)
n <- nrow(d)
z <- d$group
covs <- c("age", "ecog", "t4", "pci")

# propensity
ps_fit <- glm(group ~ age + ecog + t4 + pci, family = binomial, data = d)
stopifnot(ps_fit$converged)
e <- unname(fitted(ps_fit))
propensity <- list(
  coef = as.list(coef(ps_fit)),
  se = as.list(sqrt(diag(vcov(ps_fit)))),
  ps_first10 = e[1:10],
  ps_sum = sum(e),
  loglik = as.numeric(logLik(ps_fit)),
  deviance = deviance(ps_fit),
  iter = ps_fit$iter,
  epsilon = glm.control()$epsilon,
  maxit = glm.control()$maxit
)

# weights
w_ate <- z / e + (1 - z) / (1 - e)
w_att <- z + (1 - z) * e / (1 - e)
w_ovl <- z * (1 - e) + (1 - z) * e
q <- unname(quantile(w_ate, c(0.01, 0.99), type = 7))
w_trunc <- pmin(pmax(w_ate, q[1]), q[2])
ess <- function(w) sum(w)^2 / sum(w^2)
pooled_sd <- sapply(covs, function(v) sqrt((var(d[[v]][z == 1]) + var(d[[v]][z == 0])) / 2))
smd <- function(w) {
  sapply(covs, function(v) {
    x <- d[[v]]
    m1 <- sum(w[z == 1] * x[z == 1]) / sum(w[z == 1])
    m0 <- sum(w[z == 0] * x[z == 0]) / sum(w[z == 0])
    (m1 - m0) / pooled_sd[[v]]
  }, simplify = FALSE)
}
wblock <- function(w) list(
  first10 = w[1:10],
  sum_treated = sum(w[z == 1]), sum_control = sum(w[z == 0]),
  ess_treated = ess(w[z == 1]), ess_control = ess(w[z == 0]),
  smd = smd(w)
)
weights <- list(
  pooled_sd = as.list(pooled_sd),
  smd_unweighted = smd(rep(1, n)),
  ate = wblock(w_ate),
  att = wblock(w_att),
  overlap = wblock(w_ovl),
  ate_truncated = c(list(q01 = q[1], q99 = q[2], quantile_type = 7L,
                         ids_clipped_low = d$id[w_ate < q[1]], ids_clipped_high = d$id[w_ate > q[2]]),
                    wblock(w_trunc))
)

# cox_covariates
cox_block <- function(fit) list(
  coef = as.list(coef(fit)),
  se = as.list(setNames(sqrt(diag(fit$var)), names(coef(fit)))),
  loglik_null = fit$loglik[1],
  loglik = fit$loglik[2],
  iter = fit$iter,
  score_test = unname(fit$score),
  wald_test = unname(fit$wald.test)
)
f_cov <- Surv(time, status) ~ group + age + ecog + t4 + pci
fe <- coxph(f_cov, data = d, ties = "efron")
fb <- coxph(f_cov, data = d, ties = "breslow")
fs <- coxph(Surv(time, status) ~ group + age + ecog + t4 + pci + strata(site), data = d, ties = "efron")
cox_covariates <- list(
  efron = cox_block(fe),
  breslow = cox_block(fb),
  efron_strata_site = cox_block(fs)
)

# cox_weighted
wcox <- function(w) {
  dd <- d; dd$w <- w
  fit <- coxph(Surv(time, status) ~ group, data = dd, weights = w, robust = TRUE, ties = "efron")
  s <- summary(fit)
  # check the sandwich against the weighted dfbeta residuals
  db <- residuals(fit, type = "dfbeta", weighted = TRUE)
  stopifnot(abs(sum(db^2) - fit$var[1, 1]) < 1e-12 * fit$var[1, 1])
  list(
    coef = unname(coef(fit)),
    se_naive = sqrt(fit$naive.var[1, 1]),
    se_robust = sqrt(fit$var[1, 1]),
    robust_score = unname(s$robscore["test"]),
    robust_wald = unname(coef(fit)^2 / fit$var[1, 1]),
    loglik_null = fit$loglik[1],
    loglik = fit$loglik[2],
    iter = fit$iter
  )
}
cw_ate <- wcox(w_ate)
dd <- d; dd$w_ate <- w_ate
des <- svydesign(ids = ~1, weights = ~w_ate, data = dd)
svy <- svycoxph(Surv(time, status) ~ group, design = des)
cox_weighted <- list(
  ate = cw_ate,
  att = wcox(w_att),
  overlap = wcox(w_ovl),
  svycoxph_ate = list(
    coef = unname(coef(svy)),
    se = unname(sqrt(diag(vcov(svy)))),
    ratio_var = unname(vcov(svy)[1, 1] / cw_ate$se_robust^2),
    n_over_n_minus_1 = n / (n - 1)
  )
)

# km_weighted
times <- c(6, 12, 24)
km <- survfit(Surv(time, status) ~ group, data = dd, weights = w_ate)
km_g <- survfit(Surv(time, status) ~ group, data = dd, weights = w_ate, robust = FALSE)
sm <- summary(km, times = times, extend = TRUE)
smg <- summary(km_g, times = times, extend = TRUE)
med <- quantile(km, 0.5, conf.int = FALSE)
# recompute the infinitesimal jackknife and weighted Greenwood standard errors by hand
km_hand <- function(g, t) {
  idx <- which(z == g); tt <- d$time[idx]; st <- d$status[idx]; w <- w_ate[idx]
  ev <- sort(unique(tt[st == 1])); ev <- ev[ev <= t]
  nj <- sapply(ev, function(u) sum(w[tt >= u])); dj <- sapply(ev, function(u) sum(w[tt == u & st == 1]))
  S <- prod(1 - dj / nj)
  dlogS <- sapply(seq_along(idx), function(i) {
    -sum(((tt[i] == ev & st[i] == 1) * nj - (tt[i] >= ev) * dj) / (nj * (nj - dj)))
  })
  c(S = S, ij = S * sqrt(sum((w * dlogS)^2)), gw = S * sqrt(sum(dj / (nj * (nj - dj)))))
}
km_block <- function(g) {
  k <- sm$strata == paste0("group=", g)
  hand <- sapply(times, function(t) km_hand(g, t))
  stopifnot(unname(med[paste0("group=", g), "50"]) == summary(km)$table[paste0("group=", g), "median"],
            max(abs(hand["S", ] - sm$surv[k])) < 1e-12,
            max(abs(hand["ij", ] - sm$std.err[k])) < 1e-12,
            max(abs(hand["gw", ] - smg$std.err[k])) < 1e-12)
  list(
    times = sm$time[k],
    surv = sm$surv[k],
    se = sm$std.err[k],
    se_greenwood = smg$std.err[k],
    n_risk = sm$n.risk[k],
    median = unname(med[paste0("group=", g), "50"])
  )
}
km_weighted <- list(treated = km_block(1), control = km_block(0))

# logistic_gcomp
lfit <- glm(response ~ group + age + ecog + t4 + pci, family = binomial, data = d)
stopifnot(lfit$converged)
b <- coef(lfit)
X <- model.matrix(lfit)
X1 <- X; X1[, "group"] <- 1
X0 <- X; X0[, "group"] <- 0
p1 <- as.vector(plogis(X1 %*% b)); p0 <- as.vector(plogis(X0 %*% b))
rd <- mean(p1) - mean(p0)
grad <- function(rows) colMeans(p1[rows] * (1 - p1[rows]) * X1[rows, , drop = FALSE] -
                                  p0[rows] * (1 - p0[rows]) * X0[rows, , drop = FALSE])
g_all <- grad(seq_len(n))
V_mod <- vcov(lfit)
V_hc0 <- sandwich::vcovHC(lfit, type = "HC0")
mu <- fitted(lfit); y <- d$response
A <- crossprod(X, mu * (1 - mu) * X) / n
ifb <- (X * (y - mu)) %*% solve(A)
IF <- (p1 - p0 - rd) + as.vector(ifb %*% g_all)
# (agrees with g' V_HC0 g to about 1e-8 relative only: glm's vcov and sandwich's bread use the
# working weights of the last IRLS iteration, evaluated at the coefficients before the final
# update, while A here is evaluated at the final coefficients)
stopifnot(abs(sum((ifb %*% g_all)^2) / n^2 / drop(t(g_all) %*% V_hc0 %*% g_all) - 1) < 1e-6)
# RobinCar2 gvcov (decompose = TRUE, simple randomization)
preds <- cbind(p0, p1)
pis <- c(mean(z == 0), mean(z == 1))
idx <- split(seq_len(n), z)
cov_ymu <- sapply(idx, function(is) cov(y[is], preds[is, ]))   # [prediction b, arm a]
vp <- var(preds)
vsr <- (sapply(idx, function(is) var(y[is])) + diag(vp) - 2 * diag(cov_ymu)) / pis
Vrc <- (diag(vsr) + cov_ymu + t(cov_ymu) - vp) / n
var_rc <- Vrc[2, 2] + Vrc[1, 1] - 2 * Vrc[1, 2]
tr <- which(z == 1)
rd_att <- mean(p1[tr] - p0[tr])
g_att <- grad(tr)
logistic_gcomp <- list(
  coef = as.list(b),
  se = as.list(sqrt(diag(V_mod))),
  se_hc0 = as.list(sqrt(diag(V_hc0))),
  ate = list(
    risk1 = mean(p1), risk0 = mean(p0), rd = rd,
    gradient = unname(g_all),
    se_delta_model = sqrt(drop(t(g_all) %*% V_mod %*% g_all)),
    se_delta_hc0 = sqrt(drop(t(g_all) %*% V_hc0 %*% g_all)),
    se_if = sqrt(sum(IF^2)) / n,
    se_robincar = sqrt(var_rc)
  ),
  att = list(
    risk1 = mean(p1[tr]), risk0 = mean(p0[tr]), rd = rd_att,
    se_delta_model = sqrt(drop(t(g_att) %*% V_mod %*% g_att)),
    se_delta_hc0 = sqrt(drop(t(g_att) %*% V_hc0 %*% g_att))
  )
)

# weighted_response
p1w <- sum(w_ate[z == 1] * y[z == 1]) / sum(w_ate[z == 1])
p0w <- sum(w_ate[z == 0] * y[z == 0]) / sum(w_ate[z == 0])
dd$response <- y
qfit <- glm(response ~ group, weights = w_ate, family = quasibinomial(link = "identity"),
            data = dd, start = c(p0w, p1w - p0w))
stopifnot(qfit$converged, abs(coef(qfit)[["group"]] - (p1w - p0w)) < 1e-10)
se_hc0_w <- sqrt(sandwich::vcovHC(qfit, type = "HC0")["group", "group"])
se_closed <- sqrt(sum(w_ate[z == 1]^2 * (y[z == 1] - p1w)^2) / sum(w_ate[z == 1])^2 +
                  sum(w_ate[z == 0]^2 * (y[z == 0] - p0w)^2) / sum(w_ate[z == 0])^2)
stopifnot(abs(se_hc0_w - se_closed) < 1e-8)
# stacked M-estimation (propensity model estimated)
Xp <- model.matrix(ps_fit); k <- ncol(Xp)
psi <- cbind(Xp * (z - e), z / e * (y - p1w), (1 - z) / (1 - e) * (y - p0w))
Bm <- crossprod(psi) / n
Am <- matrix(0, k + 2, k + 2)
Am[1:k, 1:k] <- crossprod(Xp, e * (1 - e) * Xp) / n
Am[k + 1, 1:k] <- colMeans(z * (1 - e) / e * (y - p1w) * Xp)
Am[k + 1, k + 1] <- mean(z / e)
Am[k + 2, 1:k] <- -colMeans((1 - z) * e / (1 - e) * (y - p0w) * Xp)
Am[k + 2, k + 2] <- mean((1 - z) / (1 - e))
Ai <- solve(Am)
Vst <- Ai %*% Bm %*% t(Ai) / n
cvec <- c(rep(0, k), 1, -1)
weighted_response <- list(
  p_treated = p1w, p_control = p0w, rd = p1w - p0w,
  se_hc0 = se_hc0_w,
  se_ps_estimated = sqrt(drop(t(cvec) %*% Vst %*% cvec))
)

out <- list(
  versions = list(R = paste(R.version$major, R.version$minor, sep = "."),
                  survival = as.character(packageVersion("survival")),
                  sandwich = as.character(packageVersion("sandwich")),
                  survey = as.character(packageVersion("survey"))),
  n = n,
  propensity = propensity,
  weights = weights,
  cox_covariates = cox_covariates,
  cox_weighted = cox_weighted,
  km_weighted = km_weighted,
  logistic_gcomp = logistic_gcomp,
  weighted_response = weighted_response
)
stopifnot(!anyNA(unlist(out)))
cat(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null"))
