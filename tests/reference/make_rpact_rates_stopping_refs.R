# Reference inference at stopping from rpact's getAnalysisResults for group-sequential designs on
# response rates: the final p-value by stage-wise ordering, the median-unbiased estimate and the
# final confidence interval, and the repeated confidence intervals, for trials stopping for
# efficacy at an interim (the first look included) or reaching the final look (above or below its
# boundary), two arms (difference pi1 - pi2, thetaH0 = 0, normal approximation) at 1:1 and 2:1
# allocation and one arm (pi against thetaH0 = 0.2, normal approximation and exact binomial),
# O'Brien-Fleming-type and Pocock-type spending, and a binding futility rule (bounds 0, with
# cases whose earlier z lie just above them).
# For the inference at stopping on rates (the stopping module's rates path and its tests).
#
#   Rscript tests/reference/make_rpact_rates_stopping_refs.R > tests/reference/rpact_rates_stopping_refs.json
#
# rpact's convention: directionUpper = TRUE (a higher response rate is good), group 1 is the
# treatment. Two arms: z is the pooled (thetaH0 = 0) z of the cumulative responders; one arm:
# z = (x/n - thetaH0) / sqrt(thetaH0 (1 - thetaH0) / n) or, exact, qnorm(1 - P(X >= x)). The
# cumulative sample sizes are exactly the planned information rates times the final sample
# size, so rpact's planned rates (which it uses for the stage-wise ordering) and the observed
# ones agree. sample_sizes and responders are cumulative, one array per arm (treatment first);
# z, rci_lower and rci_upper have one entry per look up to the stopping one.
suppressMessages({ library(rpact); library(jsonlite) })
designs <- list(
  list(type = "asOF", rates = c(1/3, 2/3, 1), binding = FALSE, n = 120, n_one = 180),
  list(type = "asP", rates = c(0.5, 1), binding = FALSE, n = 120, n_one = 180),
  list(type = "asOF", rates = c(0.4, 0.7, 1), binding = TRUE, n = 100, n_one = 200)
)
# Overall z at cumulative responders x (one row per arm) and sample sizes n.
z_two <- function(x1, n1, x2, n2) {
  p <- (x1 + x2) / (n1 + n2)
  (x1 / n1 - x2 / n2) / sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
}
z_one <- function(x, n, theta0, normal) {
  if (normal) (x / n - theta0) / sqrt(theta0 * (1 - theta0)) * sqrt(n)
  else qnorm(pbinom(x - 1, n, theta0, lower.tail = FALSE), lower.tail = FALSE)
}
# Cumulative treatment responders whose z is nearest each target (the stopping look's at or
# above it), responders never decreasing and never more per stage than the stage's patients.
pick <- function(targets, n, zf, stop_above) {
  x <- integer(0); prev <- 0L
  for (k in seq_along(targets)) {
    cand <- prev:(prev + n[k] - if (k > 1) n[k - 1] else 0)
    z <- sapply(cand, function(v) zf(v, k))
    ok <- if (k == length(targets) && stop_above) z >= targets[k] else rep(TRUE, length(z))
    i <- which(ok)[which.min(abs(z[ok] - targets[k]))]
    x <- c(x, cand[i]); prev <- cand[i]
  }
  x
}
theta0_one <- 0.2
cases <- list()
for (d in designs) {
  k_max <- length(d$rates)
  args <- list(kMax = k_max, alpha = 0.025, sided = 1, typeOfDesign = d$type, informationRates = d$rates)
  if (d$binding) { args$futilityBounds <- rep(0, k_max - 1); args$bindingFutility <- TRUE }
  design <- do.call(getDesignGroupSequential, args)
  c_k <- design$criticalValues
  arms <- list(list(groups = 2, ratio = 1), list(groups = 2, ratio = 2),
               list(groups = 1, normal = TRUE), list(groups = 1, normal = FALSE))
  for (a in arms) {
    if (a$groups == 2) {
      n2 <- round(d$rates * d$n); n1 <- a$ratio * n2
      x2 <- round(0.3 * n2)
      zf <- function(v, k) z_two(v, n1[k], x2[k], n2[k])
    } else {
      n1 <- round(d$rates * d$n_one)
      zf <- function(v, k) z_one(v, n1[k], theta0_one, a$normal)
    }
    for (stage in seq_len(k_max)) {
      finals <- if (stage < k_max) c(c_k[stage] + 0.05, c_k[stage] + 0.8) else c(c_k[stage] - 0.9, c_k[stage] + 0.4)
      # With a binding futility rule, also earlier looks just above the bound and a large z at
      # the stopping look: rpact's repeated interval is then lowered to the estimate at the
      # earlier look (its futility correction).
      low_earlier <- d$binding && stage > 1
      if (low_earlier) finals <- c(finals, c_k[stage] + 0.8)
      for (f in seq_along(finals)) {
        z_stop <- finals[f]
        earlier <- if (stage > 1) pmin(c_k[1:(stage - 1)] - 0.3, 0.4 + 0.5 * seq_len(stage - 1)) else numeric(0)
        if (f == 3) earlier <- rep(0.15, stage - 1)
        x1 <- pick(c(earlier, z_stop), n1, zf, stop_above = z_stop > c_k[stage])
        if (a$groups == 2) {
          ds <- getDataset(cumulativeSampleSizes1 = n1[1:stage], cumulativeEvents1 = x1,
                           cumulativeSampleSizes2 = n2[1:stage], cumulativeEvents2 = x2[1:stage])
          invisible(capture.output(res <- getAnalysisResults(design, ds)))
        } else {
          # Stage-wise input for one arm (the two-arm cases give cumulative counts).
          ds <- getDataset(sampleSizes = diff(c(0, n1[1:stage])), events = diff(c(0, x1)))
          invisible(capture.output(res <- getAnalysisResults(design, ds, thetaH0 = theta0_one,
                                                             normalApproximation = a$normal)))
        }
        z <- res$.stageResults$overallTestStatistics[1:stage]
        # The trial stops where intended: below the boundary (and above a binding futility
        # bound) at the earlier looks, above it at an interim stopping look.
        stopifnot(all(z[seq_len(stage - 1)] < c_k[seq_len(stage - 1)]),
                  !d$binding || all(z[seq_len(stage - 1)] > 0),
                  stage == k_max || z[stage] >= c_k[stage],
                  abs(z[stage] - z_stop) < 0.4, f < 3 || all(z[1:(stage - 1)] < 0.5))
        out <- list(
          design = d$type, information_rates = I(d$rates), binding_futility = d$binding,
          critical_values = I(c_k),
          futility_bounds = if (d$binding) I(design$futilityBounds) else NULL,
          groups = a$groups,
          allocation_ratio = if (a$groups == 2) a$ratio else NULL,
          theta_h0 = if (a$groups == 2) 0 else theta0_one,
          normal_approximation = if (a$groups == 2) TRUE else a$normal,
          stage = stage,
          sample_sizes = if (a$groups == 2) list(I(n1[1:stage]), I(n2[1:stage])) else list(I(n1[1:stage])),
          responders = if (a$groups == 2) list(I(x1), I(x2[1:stage])) else list(I(x1)),
          z = I(z),
          p = res$finalPValues[stage],
          median_unbiased = res$medianUnbiasedEstimates[stage],
          lower = res$finalConfidenceIntervalLowerBounds[stage],
          upper = res$finalConfidenceIntervalUpperBounds[stage],
          rci_lower = I(res$repeatedConfidenceIntervalLowerBounds[1:stage]),
          rci_upper = I(res$repeatedConfidenceIntervalUpperBounds[1:stage])
        )
        vals <- unlist(out[c("z", "p", "median_unbiased", "lower", "upper", "rci_lower", "rci_upper")])
        stopifnot(!anyNA(vals))
        cases[[length(cases) + 1]] <- out
      }
    }
  }
}
cat(toJSON(list(rpact = as.character(packageVersion("rpact")), cases = cases), digits = NA, auto_unbox = TRUE, null = "null"))
