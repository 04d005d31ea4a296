# Reference values for `peritrial analyze` on R-style data: competing risks (Gray's test, the
# Aalen–Johansen incidence with cmprsk's variance, cause-specific log-rank and Cox) and binary
# responses (binom.test, fisher.test, prop.test with and without continuity correction).
# Run from the repository root:  Rscript tests/reference/make_analyze_refs.R
# Writes tests/reference/data/cr_*.csv, tests/reference/data/resp_*.csv and
# tests/reference/analyze_refs.json. R 4.x, survival 3.5, cmprsk 2.2 (Debian r-cran-cmprsk).
suppressPackageStartupMessages({ library(survival); library(jsonlite); library(cmprsk) })

milestones <- c(6, 12, 24)
# Competing-risks data sets as an R user keeps them: text arms and cohorts, status 0/1/2/3.
make_cr <- function(seed, n, rates, other, ties, strata, causes3) {
  set.seed(seed)
  arm <- sample(c("control", "rmhtnf"), n, replace = TRUE)
  cohort <- if (strata) sample(c("gastric", "colorectal"), n, replace = TRUE) else rep("gastric", n)
  base <- ifelse(cohort == "gastric", 1, 1.6)
  t1 <- rexp(n, base * ifelse(arm == "rmhtnf", rates[2], rates[1]))
  t2 <- rexp(n, other); t3 <- if (causes3) rexp(n, other / 2) else rep(Inf, n)
  cens <- runif(n, 3, 48)
  time <- pmin(t1, t2, t3, cens)
  if (ties) time <- ceiling(time) else time <- round(time, 3)
  status <- ifelse(cens <= pmin(t1, t2, t3), 0, ifelse(t1 <= pmin(t2, t3), 1, ifelse(t2 <= t3, 2, 3)))
  data.frame(id = seq_len(n), efs_time = time, efs_status = status, arm = arm, cohort = cohort)
}
cases <- list(
  cr_basic = make_cr(11, 240, c(0.04, 0.025), 0.015, FALSE, FALSE, FALSE),
  cr_ties = make_cr(12, 180, c(0.05, 0.03), 0.02, TRUE, FALSE, FALSE),
  cr_strata = make_cr(13, 300, c(0.04, 0.03), 0.02, FALSE, TRUE, TRUE),
  cr_heavy_ties = make_cr(14, 120, c(0.08, 0.05), 0.05, TRUE, TRUE, TRUE)
)
cr <- list()
for (name in names(cases)) {
  write.csv(cases[[name]], file.path("tests/reference/data", paste0(name, ".csv")), row.names = FALSE, quote = TRUE)
  d <- read.csv(file.path("tests/reference/data", paste0(name, ".csv")))
  g0 <- cuminc(d$efs_time, d$efs_status, d$arm, cencode = 0)
  gs <- cuminc(d$efs_time, d$efs_status, d$arm, d$cohort, cencode = 0)
  g1 <- cuminc(d$efs_time, d$efs_status, d$arm, rho = 1, cencode = 0)
  tp <- timepoints(g0, milestones)
  est <- list(); var <- list()
  for (a in c("control", "rmhtnf")) {
    key <- paste(a, "1")
    est[[a]] <- unname(tp$est[key, ]); var[[a]] <- unname(tp$var[key, ])
  }
  d$ev <- as.integer(d$efs_status == 1)
  d$trt <- as.integer(d$arm == "rmhtnf")
  sd <- survdiff(Surv(efs_time, ev) ~ trt, data = d)
  cx <- coxph(Surv(efs_time, ev) ~ trt, data = d, ties = "efron",
              control = coxph.control(eps = 1e-12, toler.chol = 1e-13, iter.max = 100))
  cr[[name]] <- list(
    gray = list(statistic = unname(g0$Tests["1", "stat"]), p_value = unname(g0$Tests["1", "pv"])),
    gray_stratified = list(statistic = unname(gs$Tests["1", "stat"]), p_value = unname(gs$Tests["1", "pv"])),
    gray_rho1 = list(statistic = unname(g1$Tests["1", "stat"]), p_value = unname(g1$Tests["1", "pv"])),
    gray_cause2 = list(statistic = unname(g0$Tests["2", "stat"]), p_value = unname(g0$Tests["2", "pv"])),
    milestones = milestones, incidence = est, variance = var,
    logrank_chisq = sd$chisq, logrank_p = 1 - pchisq(sd$chisq, 1),
    cox_log_hr = unname(coef(cx)), cox_se = unname(sqrt(vcov(cx)[1, 1])))
}

# Binary responses: arms as text, response as 0/1 or TRUE/FALSE.
resp <- list()
for (case in list(list("resp_small", 11, 24, 0.25, 0.5, 0.2), list("resp_large", 21, 160, 0.30, 0.42, 0.3),
                  list("resp_extreme", 31, 30, 0.02, 0.3, 0.1))) {
  set.seed(case[[2]]); n <- case[[3]]
  arm <- rep(c("control", "rmhtnf"), length.out = n)
  r <- rbinom(n, 1, ifelse(arm == "rmhtnf", case[[5]], case[[4]]))
  d <- data.frame(patient = seq_len(n), arm = arm, orr = ifelse(r == 1, "TRUE", "FALSE"))
  write.csv(d, file.path("tests/reference/data", paste0(case[[1]], ".csv")), row.names = FALSE, quote = FALSE)
  x <- c(sum(r[arm == "rmhtnf"]), sum(r[arm == "control"])); m <- c(sum(arm == "rmhtnf"), sum(arm == "control"))
  p0 <- case[[6]]
  tab <- matrix(c(x[1], m[1] - x[1], x[2], m[2] - x[2]), nrow = 2, byrow = TRUE)
  arms <- list()
  for (k in 1:2) {
    b <- binom.test(x[k], m[k], p0); bg <- binom.test(x[k], m[k], p0, alternative = "greater")
    w <- prop.test(x[k], m[k], correct = FALSE)$conf.int
    arms[[c("rmhtnf", "control")[k]]] <- list(responders = x[k], n = m[k], cp = unname(b$conf.int[1:2]),
      wilson = unname(w[1:2]), binom_p_two_sided = b$p.value, binom_p_greater = bg$p.value)
  }
  pt <- suppressWarnings(prop.test(x, m, correct = FALSE)); ptc <- suppressWarnings(prop.test(x, m, correct = TRUE))
  resp[[case[[1]]]] <- list(null_rate = p0, arms = arms,
    fisher_two_sided = fisher.test(tab)$p.value, fisher_greater = fisher.test(tab, alternative = "greater")$p.value,
    chisq = unname(pt$statistic), chisq_p = pt$p.value, chisq_corrected = unname(ptc$statistic),
    chisq_corrected_p = ptc$p.value)
}

writeLines(toJSON(list(competing = cr, response = resp), auto_unbox = TRUE, digits = NA, pretty = TRUE),
           "tests/reference/analyze_refs.json")
cat("done\n")
