# Reference values for peritrial's statistics library, from R's survival package.
# Run from the repository root:  Rscript tests/reference/make_refs.R
# Writes tests/reference/data/*.csv (the datasets) and tests/reference/survival_refs.json
# (R's answers). Produced with R 4.x, survival 3.5.3 (Debian r-cran-survival).
suppressPackageStartupMessages({ library(survival); library(jsonlite) })
set.seed(20261126)
out_dir <- "tests/reference/data"
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

datasets <- list()
add <- function(name, time, status, arm, stratum = NULL, milestones = c(12, 24, 36), tau = 36) {
  d <- data.frame(time = time, status = as.integer(status), arm = as.integer(arm))
  if (!is.null(stratum)) d$stratum <- as.integer(stratum)
  datasets[[name]] <<- list(data = d, milestones = milestones, tau = tau)
}

expo <- function(n, rate) rexp(n, rate)

# 1. Moderate, continuous times, equal arms.
n <- 120; arm <- rep(0:1, each = n / 2)
t <- expo(n, ifelse(arm == 1, 0.7, 1) * log(2) / 20); c <- runif(n, 10, 60)
add("basic", pmin(t, c), t <= c, arm)
# 2. Ties: times rounded to whole months.
n <- 150; arm <- rbinom(n, 1, 0.5)
t <- ceiling(expo(n, ifelse(arm == 1, 0.6, 1) * 0.04)); c <- ceiling(runif(n, 5, 50))
add("ties", pmin(t, c), t <= c, arm)
# 3. Heavy censoring (about 85%).
n <- 200; arm <- rep(0:1, 100)
t <- expo(n, ifelse(arm == 1, 0.8, 1) * 0.01); c <- runif(n, 1, 30)
add("heavy_censoring", pmin(t, c), t <= c, arm)
# 4. Tiny.
add("tiny", c(2, 3, 3, 7, 11, 4, 6), c(1, 0, 1, 1, 0, 1, 1), c(0, 0, 0, 0, 1, 1, 1), milestones = c(3, 5), tau = 6)
# 5. Unbalanced arms (20 vs 100).
arm <- c(rep(1, 20), rep(0, 100)); n <- length(arm)
t <- expo(n, ifelse(arm == 1, 0.5, 1) * 0.05); c <- runif(n, 5, 40)
add("unbalanced", pmin(t, c), t <= c, arm)
# 6. Strata that change the answer: treatment mostly given in the high-risk stratum.
n <- 240; stratum <- rep(0:1, each = n / 2)
arm <- rbinom(n, 1, ifelse(stratum == 1, 0.8, 0.2))
t <- expo(n, ifelse(stratum == 1, 0.08, 0.02) * ifelse(arm == 1, 0.7, 1)); c <- runif(n, 12, 48)
add("strata", pmin(t, c), t <= c, arm, stratum)
# 7. Crossing hazards: treatment worse early, better late.
n <- 200; arm <- rep(0:1, each = 100)
t0 <- rweibull(100, shape = 0.6, scale = 30); t1 <- rweibull(100, shape = 2.0, scale = 25)
t <- c(t0, t1); c <- runif(n, 10, 60)
add("crossing", pmin(t, c), t <= c, arm)
# 8. Events and censorings at the same times.
n <- 100; arm <- rbinom(n, 1, 0.5)
t <- sample(c(3, 6, 9, 12, 18, 24), n, replace = TRUE); st <- rbinom(n, 1, 0.6)
add("same_time", t, st, arm)
# 9. One arm without events.
n <- 40; arm <- rep(0:1, each = 20)
st <- ifelse(arm == 1, 0, rbinom(n, 1, 0.7)); t <- round(runif(n, 1, 40), 1)
add("one_arm_no_events", t, st, arm)
# 10. A flat exactly at one half (median by the midpoint rule) in both arms.
add("flat_half", c(1, 2, 5, 8, 3, 4, 9, 10), c(1, 1, 1, 1, 1, 1, 0, 1), c(0, 0, 0, 0, 1, 1, 1, 1), milestones = c(2, 4), tau = 8)
# 11. The lung data of the survival package (days; status 2 = death), arm = sex - 1, strata = ECOG.
lung2 <- subset(lung, !is.na(ph.ecog) & ph.ecog < 3)
add("lung", lung2$time, lung2$status == 2, lung2$sex - 1, lung2$ph.ecog, milestones = c(180, 365, 730), tau = 730)
# 12. A trial-sized data set: 600 patients, staggered entry, cut at month 40.
n <- 600; arm <- rep(0:1, 300); entry <- runif(n, 0, 24)
t <- expo(n, ifelse(arm == 1, 0.7, 1) * log(2) / 24); drop <- expo(n, 0.004)
fu <- 40 - entry
add("trial600", pmin(t, drop, fu), t <= pmin(drop, fu), arm)

num <- function(x) if (length(x) == 0 || is.na(x)) NULL else unname(x)

refs <- list()
for (name in names(datasets)) {
  ds <- datasets[[name]]; d <- ds$data
  path <- file.path(out_dir, paste0(name, ".csv"))
  write.csv(d, path, row.names = FALSE, quote = FALSE)
  d <- read.csv(path)  # the answers are computed on exactly what the CSV holds
  r <- list(n = nrow(d), events = sum(d$status), milestones = ds$milestones, tau = ds$tau)
  sd <- survdiff(Surv(time, status) ~ arm, data = d)
  z <- (sd$exp[2] - sd$obs[2]) / sqrt(sd$var[2, 2])
  r$logrank <- list(chisq = unname(sd$chisq), p_value = pchisq(sd$chisq, 1, lower.tail = FALSE), z = unname(z))
  sd1 <- survdiff(Surv(time, status) ~ arm, data = d, rho = 1)
  r$fh_rho1 <- list(chisq = unname(sd1$chisq), p_value = pchisq(sd1$chisq, 1, lower.tail = FALSE))
  if (!is.null(d$stratum)) {
    ss <- survdiff(Surv(time, status) ~ arm + strata(stratum), data = d)
    r$logrank_stratified <- list(chisq = unname(ss$chisq), p_value = pchisq(ss$chisq, 1, lower.tail = FALSE))
  }
  for (ties in c("efron", "breslow")) {
    fit <- suppressWarnings(coxph(Surv(time, status) ~ arm, data = d, ties = ties,
                                   control = coxph.control(eps = 1e-12, toler.chol = 1e-13, iter.max = 100)))
    key <- paste0("cox_", ties)
    if (sum(d$status[d$arm == 0]) == 0 || sum(d$status[d$arm == 1]) == 0) {
      r[[key]] <- "not_estimable"
    } else {
      b <- unname(coef(fit)); se <- unname(sqrt(vcov(fit)[1, 1]))
      r[[key]] <- list(log_hr = b, se = se, hazard_ratio = exp(b),
                       ci_lower = exp(b - qnorm(0.975) * se), ci_upper = exp(b + qnorm(0.975) * se))
    }
  }
  arms <- list()
  for (a in 0:1) {
    da <- d[d$arm == a, ]
    f <- survfit(Surv(time, status) ~ 1, data = da)
    q <- quantile(f, 0.5)
    s <- summary(f, times = ds$milestones, extend = FALSE)
    km <- lapply(ds$milestones, function(m) {
      i <- which(s$time == m)
      if (length(i) == 0) NULL else list(time = m, survival = s$surv[i], std_err = s$std.err[i])
    })
    tab <- summary(f, rmean = ds$tau)$table
    arms[[as.character(a)]] <- list(
      n = nrow(da), events = sum(da$status),
      median = num(q$quantile), median_lower = num(q$lower), median_upper = num(q$upper),
      km = km, rmst = unname(tab["rmean"]), rmst_se = unname(tab["se(rmean)"]))
  }
  r$arms <- arms
  refs[[name]] <- r
}
writeLines(toJSON(refs, auto_unbox = TRUE, digits = NA, null = "null", pretty = TRUE),
           "tests/reference/survival_refs.json")
cat("wrote", length(refs), "reference data sets\n")
