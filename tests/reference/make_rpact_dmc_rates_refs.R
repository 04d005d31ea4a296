# Reference DMC analyses of responses at looks (`peritrial analyze --response --looks
# --assessed-after`): for three committed trials (tests/reference/data/gs_responses.csv, trials
# of a two-arm ascites-control design sampled by peritrial, 100 patients an arm), the data cut
# at each look's month in R (a patient counts once entry + 1 month, the assessment, is at or
# before the look), the cumulative responders and patients per arm, and rpact 3.3.4's
# getAnalysisResults on them: a group-sequential design of the spending function with
# information rates the patients assessed over the last look's (the final analysis), its
# critical values, the overall z, the stage where the trial stops (the first z at or above its
# boundary, else the last), the stage-wise p-value, the median-unbiased difference, its 95%
# interval and the repeated intervals up to the stop.
#
#   Rscript tests/reference/make_rpact_dmc_rates_refs.R > tests/reference/rpact_dmc_rates_refs.json
suppressMessages({ library(rpact); library(jsonlite) })
data <- read.csv("tests/reference/data/gs_responses.csv")
dmcs <- list(
  list(trial = 1, months = c(6, 10, 14, 19), type = "asOF"),
  list(trial = 2, months = c(10, 19), type = "asP"),
  list(trial = 3, months = c(6, 14, 19), type = "asOF"),
  list(trial = 1, months = c(10, 19), type = "asP")
)
out <- lapply(dmcs, function(d) {
  p <- data[data$trial == d$trial, ]
  at <- t(sapply(d$months, function(m) {
    due <- p[p$entry_month + 1 <= m, ]
    c(n1 = sum(due$arm == "rmhtnf"), x1 = sum(due$arm == "rmhtnf" & due$response == 1),
      n2 = sum(due$arm == "hipec"), x2 = sum(due$arm == "hipec" & due$response == 1))
  }))
  n <- at[, "n1"] + at[, "n2"]
  design <- getDesignGroupSequential(kMax = length(d$months), alpha = 0.025, sided = 1,
                                     typeOfDesign = d$type, informationRates = n / n[length(n)])
  ds <- getDataset(cumulativeSampleSizes1 = at[, "n1"], cumulativeEvents1 = at[, "x1"],
                   cumulativeSampleSizes2 = at[, "n2"], cumulativeEvents2 = at[, "x2"])
  invisible(capture.output(res <- getAnalysisResults(design, ds)))
  z <- res$.stageResults$overallTestStatistics
  crossed <- which(z >= design$criticalValues)
  stop <- if (length(crossed) > 0) min(crossed) else length(z)
  # The analysis as the DMC at the stopping look sees it: the data up to it.
  ds_stop <- getDataset(cumulativeSampleSizes1 = at[1:stop, "n1"], cumulativeEvents1 = at[1:stop, "x1"],
                        cumulativeSampleSizes2 = at[1:stop, "n2"], cumulativeEvents2 = at[1:stop, "x2"])
  invisible(capture.output(r2 <- getAnalysisResults(design, ds_stop)))
  list(trial = d$trial, months = d$months, spending = if (d$type == "asOF") "obrien_fleming" else "pocock",
       critical_values = design$criticalValues, z = z, stop = stop,
       assessed = as.numeric(n), responders_treatment = as.numeric(at[, "x1"]),
       responders_control = as.numeric(at[, "x2"]),
       p = r2$finalPValues[stop], median_unbiased = r2$medianUnbiasedEstimates[stop],
       lower = r2$finalConfidenceIntervalLowerBounds[stop], upper = r2$finalConfidenceIntervalUpperBounds[stop],
       rci_lower = r2$repeatedConfidenceIntervalLowerBounds[1:stop],
       rci_upper = r2$repeatedConfidenceIntervalUpperBounds[1:stop])
})
cat(toJSON(list(rpact = as.character(packageVersion("rpact")), dmcs = out), digits = NA, auto_unbox = TRUE))
