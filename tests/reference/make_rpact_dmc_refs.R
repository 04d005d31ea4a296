# Reference group-sequential analyses of one trial's data (the DMC's use of `peritrial analyze
# --entry --looks`): each look's data cut in R (patients enrolled by the look's month, followed
# to min(time, month - entry)), the log-rank z by survival::survdiff, and rpact's
# getAnalysisResults on those (efficacy boundaries, final p-value by stage-wise ordering,
# median-unbiased hazard ratio and its final confidence interval, repeated confidence intervals).
# For tests/it/group_sequential.rs::analyze_looks_agree_with_survival_and_rpact.
#
#   Rscript tests/reference/make_rpact_dmc_refs.R > tests/reference/rpact_dmc_refs.json
#
# The information of a look is its events x r/(1 + r)^2, r the ratio of the patients enrolled by
# then (treatment over control), and the spending fractions its information over the planned
# (the last look's when it is the final analysis): rpact is given those as informationRates and
# r as cumulativeAllocationRatios, so both spend and correlate alike. rpact's convention:
# directionUpper = FALSE, its log-rank statistic minus peritrial's z.
suppressMessages({ library(rpact); library(survival); library(jsonlite) })
d <- read.csv("tests/reference/data/gs_trial.csv")
d$trt <- as.integer(d$arm == "rmhtnf")
cut_month <- max(d$entry_month + d$time)
cases <- list(
  list(looks = c(20, 30, 40.09), spending = "obrien_fleming", planned = NA),
  list(looks = c(20, 26), spending = "obrien_fleming", planned = 300),
  list(looks = c(16, 22, 28, 34), spending = "pocock", planned = NA),
  list(looks = c(18, 24), spending = "pocock", planned = 320)
)
out <- list()
for (cs in cases) {
  z <- c(); events <- c(); ratio <- c()
  for (m in cs$looks) {
    x <- d[d$entry_month <= m, ]
    open <- m - x$entry_month
    time <- pmin(x$time, open)
    status <- ifelse(x$time <= open, x$status, 0)
    sd <- survdiff(Surv(time, status) ~ trt, data = data.frame(time, status, trt = x$trt))
    # survdiff's first group is trt = 0 (control): z = (O - E) of control / sqrt(V) is positive
    # when the treatment is better.
    z <- c(z, (sd$obs[1] - sd$exp[1]) / sqrt(sd$var[1, 1]))
    events <- c(events, sum(status == 1))
    ratio <- c(ratio, sum(x$trt == 1) / sum(x$trt == 0))
  }
  info <- events * ratio / (1 + ratio)^2
  k <- length(cs$looks)
  final <- is.na(cs$planned) || events[k] >= cs$planned
  planned_info <- if (is.na(cs$planned)) info[k] else cs$planned * ratio[k] / (1 + ratio[k])^2
  rates <- if (final) info / info[k] else c(info / planned_info, 1)
  type <- if (cs$spending == "pocock") "asP" else "asOF"
  design <- getDesignGroupSequential(kMax = length(rates), alpha = 0.025, sided = 1, typeOfDesign = type, informationRates = rates)
  ds <- getDataset(cumulativeEvents = events, cumulativeLogRanks = -z, cumulativeAllocationRatios = ratio)
  invisible(capture.output(res <- getAnalysisResults(design, ds, directionUpper = FALSE)))
  crossed <- which(z >= design$criticalValues[1:k])
  stop <- if (length(crossed) > 0) crossed[1] else k
  out[[length(out) + 1]] <- list(
    looks = cs$looks, spending = cs$spending, planned_events = if (is.na(cs$planned)) NULL else cs$planned,
    z = z, events = events, critical_values = design$criticalValues[1:k], stop = stop,
    p = res$finalPValues[stop], median_unbiased = res$medianUnbiasedEstimates[stop],
    lower = res$finalConfidenceIntervalLowerBounds[stop], upper = res$finalConfidenceIntervalUpperBounds[stop],
    rci_lower = res$repeatedConfidenceIntervalLowerBounds[1:stop],
    rci_upper = res$repeatedConfidenceIntervalUpperBounds[1:stop]
  )
}
cat(toJSON(list(rpact = as.character(packageVersion("rpact")), cut_month = cut_month, cases = out), digits = NA, auto_unbox = TRUE, null = "null"))
