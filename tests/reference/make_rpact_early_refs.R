# Reference values from rpact (Debian r-cran-rpact 3.3.4): futility bounds by beta spending at
# every information fraction from 0.01 to 0.99 (two looks), three-look designs with early
# looks, and group-sequential sample sizes (events) for the analytic companion with looks.
# Run from the repository root:  Rscript tests/reference/make_rpact_early_refs.R
# Writes tests/reference/rpact_early_refs.json. Critical values that rpact gives as Inf (the
# spending at an early look underflows) are written as null.
# For two looks the final critical value is also solved with mvtnorm (Genz-Bretz, 1e-12), as a
# check on rpact's grid: at information (0.99, 1) rpact's differs from it by 4e-4.
suppressPackageStartupMessages({ library(rpact); library(jsonlite); library(mvtnorm) })
final_critical <- function(c1, t1, alpha) {
  s <- matrix(c(1, sqrt(t1), sqrt(t1), 1), 2)
  f <- function(c2) (1 - pmvnorm(upper = c(c1, c2), corr = s, algorithm = GenzBretz(abseps = 1e-13, maxpts = 1e7))[1]) - alpha
  uniroot(f, c(1.5, 3), tol = 1e-12)$root
}
fin <- function(x) lapply(as.numeric(x), function(v) if (is.finite(v)) v else NULL)

futility <- list()
fractions <- c(0.01, 0.02, 0.03, 0.04, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
for (t in fractions) {
  for (type in c("asOF", "asP")) {
    for (bs in c("bsOF", "bsP")) {
      # rpact refuses designs whose futility bound would pass the efficacy bound (late looks):
      # recorded as refused, which peritrial must also do.
      d <- tryCatch(getDesignGroupSequential(kMax = 2, alpha = 0.025, beta = 0.2, typeOfDesign = type,
                                             typeBetaSpending = bs, bindingFutility = FALSE,
                                             informationRates = c(t, 1)), error = function(e) NULL)
      futility[[length(futility) + 1]] <- list(type = type, beta_spending = bs, beta = 0.2, alpha = 0.025,
                                               information = c(t, 1), refused = is.null(d),
                                               critical = if (is.null(d)) NULL else fin(d$criticalValues),
                                               futility = if (is.null(d)) NULL else as.numeric(d$futilityBounds),
                                               final_critical_mvtnorm = if (is.null(d)) NULL else
                                                 final_critical(d$criticalValues[1], t, 0.025))
    }
  }
}
for (r in list(c(0.05, 0.5, 1), c(0.1, 0.3, 1), c(0.02, 0.6, 1), c(0.2, 0.6, 0.8, 1))) {
  for (bs in c("bsOF", "bsP")) {
    d <- getDesignGroupSequential(kMax = length(r), alpha = 0.025, beta = 0.1, typeOfDesign = "asOF",
                                  typeBetaSpending = bs, bindingFutility = FALSE, informationRates = r)
    futility[[length(futility) + 1]] <- list(type = "asOF", beta_spending = bs, beta = 0.1, alpha = 0.025,
                                             information = r, critical = fin(d$criticalValues),
                                             futility = as.numeric(d$futilityBounds))
  }
}

# Events a group-sequential design needs for a power (getSampleSizeSurvival(design, ...)):
# the fixed design's events times the inflation of the boundaries.
sample_size <- list()
for (case in list(list(type = "asOF", r = c(0.5, 1), hr = 0.7, beta = 0.2),
                  list(type = "asOF", r = c(1/3, 2/3, 1), hr = 0.7, beta = 0.1),
                  list(type = "asP", r = c(0.5, 1), hr = 0.75, beta = 0.2),
                  list(type = "asP", r = c(0.25, 0.5, 0.75, 1), hr = 0.65, beta = 0.1),
                  list(type = "asOF", r = c(0.2, 1), hr = 0.6, beta = 0.2))) {
  d <- getDesignGroupSequential(kMax = length(case$r), alpha = 0.025, beta = case$beta,
                                typeOfDesign = case$type, informationRates = case$r)
  s <- getSampleSizeSurvival(d, lambda2 = log(2) / 24, hazardRatio = case$hr, accrualTime = c(0, 24),
                             followUpTime = 24)
  p <- getPowerSurvival(d, lambda2 = log(2) / 24, hazardRatio = case$hr, directionUpper = FALSE,
                        maxNumberOfEvents = 300, maxNumberOfSubjects = 600, accrualTime = c(0, 24))
  sample_size[[length(sample_size) + 1]] <- list(type = case$type, information = case$r, alpha = 0.025,
                                                 beta = case$beta, hazard_ratio = case$hr,
                                                 events = s$maxNumberOfEvents,
                                                 power_at_300_events = p$overallReject)
}
writeLines(toJSON(list(futility = futility, sample_size = sample_size), auto_unbox = TRUE, digits = NA,
                  pretty = TRUE, null = "null"), "tests/reference/rpact_early_refs.json")
cat("done\n")
