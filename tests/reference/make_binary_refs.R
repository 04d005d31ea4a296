# Reference values for peritrial's binary-endpoint statistics and the parts of the survival
# library that `peritrial analyze` does not print (stratified Cox, Aalen–Johansen incidence).
# Run from the repository root:  Rscript tests/reference/make_binary_refs.R
# Writes tests/reference/binary_refs.json. R 4.x, survival 3.5.3.
# The variance of the cumulative incidence comes from cmprsk::cuminc (Debian r-cran-cmprsk).
suppressPackageStartupMessages({ library(survival); library(jsonlite); library(cmprsk) })

one <- list()
for (case in list(c(0, 10, 0.1), c(3, 10, 0.1), c(12, 40, 0.1), c(17, 43, 0.2), c(40, 40, 0.9),
                  c(1, 200, 0.02), c(55, 120, 0.35), c(7, 7, 0.5))) {
  x <- case[1]; n <- case[2]; p0 <- case[3]
  two <- binom.test(x, n, p0)
  gr <- binom.test(x, n, p0, alternative = "greater")
  w <- prop.test(x, n, correct = FALSE)$conf.int
  one[[length(one) + 1]] <- list(x = x, n = n, p0 = p0, p_two_sided = two$p.value, p_greater = gr$p.value,
                                 cp_lower = two$conf.int[1], cp_upper = two$conf.int[2],
                                 wilson_lower = w[1], wilson_upper = w[2])
}
twobytwo <- list()
for (case in list(c(10, 20, 4, 20), c(30, 50, 20, 50), c(0, 15, 3, 15), c(84, 100, 64, 100),
                  c(5, 8, 1, 9), c(40, 83, 29, 84))) {
  xt <- case[1]; nt <- case[2]; xc <- case[3]; nc <- case[4]
  m <- matrix(c(xt, nt - xt, xc, nc - xc), nrow = 2, byrow = TRUE)
  f2 <- fisher.test(m); fg <- fisher.test(m, alternative = "greater")
  pt <- suppressWarnings(prop.test(c(xt, xc), c(nt, nc), correct = FALSE))
  twobytwo[[length(twobytwo) + 1]] <- list(x_treatment = xt, n_treatment = nt, x_control = xc, n_control = nc,
    fisher_two_sided = f2$p.value, fisher_greater = fg$p.value, chisq = unname(pt$statistic), chisq_p = pt$p.value)
}

# Stratified Cox on the committed data sets that have strata.
strat <- list()
for (name in c("strata", "lung")) {
  d <- read.csv(file.path("tests/reference/data", paste0(name, ".csv")))
  for (ties in c("efron", "breslow")) {
    f <- coxph(Surv(time, status) ~ arm + strata(stratum), data = d, ties = ties,
               control = coxph.control(eps = 1e-12, toler.chol = 1e-13, iter.max = 100))
    strat[[paste(name, ties, sep = "_")]] <- list(log_hr = unname(coef(f)), se = unname(sqrt(vcov(f)[1, 1])))
  }
}

# Aalen–Johansen cumulative incidence with a competing event (status 2), by arm.
set.seed(7)
n <- 300; arm <- rep(0:1, each = n / 2)
t1 <- rexp(n, ifelse(arm == 1, 0.02, 0.03)); t2 <- rexp(n, 0.01); cens <- runif(n, 5, 60)
time <- round(pmin(t1, t2, cens), 2); status <- ifelse(cens <= pmin(t1, t2), 0, ifelse(t1 <= t2, 1, 2))
cr <- data.frame(time = time, status = status, arm = arm)
write.csv(cr, "tests/reference/data/competing.csv", row.names = FALSE, quote = FALSE)
cr <- read.csv("tests/reference/data/competing.csv")
cif <- list()
for (a in 0:1) {
  f <- survfit(Surv(time, factor(status, 0:2)) ~ 1, data = cr[cr$arm == a, ])
  s <- summary(f, times = c(6, 12, 24, 36))
  g <- timepoints(cuminc(cr$time[cr$arm == a], cr$status[cr$arm == a], cencode = 0), c(6, 12, 24, 36))
  cif[[as.character(a)]] <- list(times = s$time, incidence = unname(s$pstate[, 2]),
                                 cmprsk_incidence = unname(g$est[1, ]), cmprsk_variance = unname(g$var[1, ]))
}

# One-sample log-rank test against an exponential reference (survdiff with an offset of the
# expected survival probabilities): chisq = (O - E)^2 / E.
onesample <- list()
for (name in c("basic", "trial600", "tiny")) {
  d <- read.csv(file.path("tests/reference/data", paste0(name, ".csv")))
  d1 <- d[d$arm == 1, ]
  for (lambda0 in c(log(2) / 20, 0.05)) {
    d1$psurv <- exp(-lambda0 * d1$time)  # survdiff takes the expected survival probability
    sd <- survdiff(Surv(time, status) ~ offset(psurv), data = d1)
    onesample[[length(onesample) + 1]] <- list(data = name, null_hazard = lambda0, observed = sd$obs,
                                               expected = sd$exp, chisq = sd$chisq)
  }
}

writeLines(toJSON(list(one_sample = one, two_by_two = twobytwo, stratified_cox = strat, cumulative_incidence = cif,
                       one_sample_logrank = onesample),
                  auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/reference/binary_refs.json")
cat("done\n")
