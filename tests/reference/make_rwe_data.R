# Reference cohort for the real-world-evidence analyses (propensity scores, weighting, Cox
# regression with covariates, weighted Cox and Kaplan-Meier, logistic g-computation): a
# single-arm trial (group = 1, 160 patients) and an external control series (group = 0, 240
# patients) with covariate shift. Read by tests/reference/make_rwe_refs.R.
#
#   Rscript tests/reference/make_rwe_data.R   (writes tests/reference/data/rwe_cohort.csv)
#
# How it was generated (base R only, set.seed(20261208), the draws in the order below):
#   age   normal, trial mean 60 sd 10, external mean 64 sd 11, rounded to 1 decimal
#   ecog  Bernoulli, P(1) = 0.30 trial, 0.45 external
#   t4    Bernoulli, P(1) = 0.40 trial, 0.50 external
#   pci   peritoneal cancer index: round(pmin(20, rgamma(shape = 2, scale))), scale 3 in the
#         trial (mean 6), 4 externally (mean 8); integers 0..20
#   site  stratum A/B/C, probabilities 0.5/0.3/0.2 in the trial, 0.3/0.3/0.4 externally
#   Event time: Weibull proportional hazards, h(t) = lambda k t^(k-1) exp(lp) with k = 1.2,
#     lambda = 0.02 (months), lp = 0.02 (age - 62) + 0.5 ecog + 0.4 t4 + 0.05 (pci - 7)
#     - 0.35 group + site effect (A 0, B 0.2, C -0.15); T = (-log U / (lambda exp(lp)))^(1/k).
#   Censoring: random dropout, exponential with rate 0.008 per month, and administrative
#     censoring at 36 months; time = min(T, dropout, 36) rounded to 2 decimals (at least 0.01),
#     status = 1 when T was observed. The rounding leaves some tied event times.
#   response: Bernoulli with logit P = -0.2 - 0.03 (age - 62) - 0.5 ecog - 0.4 t4
#     - 0.06 (pci - 7) + 0.6 group (treatment log odds ratio 0.6).
#   The rows are then shuffled (one call to sample) and numbered id = 1..400, so that the
#   first rows mix both groups.
set.seed(20261208)
n1 <- 160; n0 <- 240; n <- n1 + n0
group <- c(rep(1L, n1), rep(0L, n0))
age <- round(c(rnorm(n1, 60, 10), rnorm(n0, 64, 11)), 1)
ecog <- c(rbinom(n1, 1, 0.30), rbinom(n0, 1, 0.45))
t4 <- c(rbinom(n1, 1, 0.40), rbinom(n0, 1, 0.50))
pci <- as.integer(round(pmin(20, c(rgamma(n1, shape = 2, scale = 3), rgamma(n0, shape = 2, scale = 4)))))
site <- c(sample(c("A", "B", "C"), n1, replace = TRUE, prob = c(0.5, 0.3, 0.2)),
          sample(c("A", "B", "C"), n0, replace = TRUE, prob = c(0.3, 0.3, 0.4)))
site_effect <- c(A = 0, B = 0.2, C = -0.15)[site]
lp <- 0.02 * (age - 62) + 0.5 * ecog + 0.4 * t4 + 0.05 * (pci - 7) - 0.35 * group + site_effect
k <- 1.2; lambda <- 0.02
event_time <- (-log(runif(n)) / (lambda * exp(lp)))^(1 / k)
dropout <- rexp(n, rate = 0.008)
obs <- pmin(event_time, dropout, 36)
time <- pmax(0.01, round(obs, 2))
status <- as.integer(event_time <= pmin(dropout, 36))
lr <- -0.2 - 0.03 * (age - 62) - 0.5 * ecog - 0.4 * t4 - 0.06 * (pci - 7) + 0.6 * group
response <- rbinom(n, 1, plogis(lr))
d <- data.frame(group, age, ecog, t4, pci, site, time, status, response, stringsAsFactors = FALSE)
d <- d[sample(n), ]
d <- cbind(id = seq_len(n), d)
stopifnot(!anyNA(d))
write.csv(d, "tests/reference/data/rwe_cohort.csv", row.names = FALSE, quote = FALSE)
