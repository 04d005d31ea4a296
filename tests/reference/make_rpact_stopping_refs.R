# Reference inference at stopping from rpact's getAnalysisResults for group-sequential survival
# designs: the final p-value by stage-wise ordering, the median-unbiased estimate of the hazard
# ratio and its final confidence interval, and the repeated confidence intervals, for trials
# stopping for efficacy at an interim or reaching the final look, 1:1 and 2:1 allocation,
# O'Brien-Fleming-type, Pocock-type and Kim-DeMets spending, and a binding futility rule.
# For src/stats/stopping.rs (tests/it/group_sequential.rs::inference_at_stopping_agrees_with_rpact).
#
#   Rscript tests/reference/make_rpact_stopping_refs.R > tests/reference/rpact_stopping_refs.json
#
# rpact's convention: directionUpper = FALSE (a hazard ratio below 1 is good), so the log-rank
# statistic it reads is minus peritrial's z. The events are exactly the planned information
# rates times 300, so rpact's planned rates and peritrial's observed ones agree.
suppressMessages({ library(rpact); library(jsonlite) })
designs <- list(
  list(type = "asOF", rates = c(1/3, 2/3, 1), binding = FALSE),
  list(type = "asP", rates = c(0.5, 1), binding = FALSE),
  list(type = "asKD", rates = c(0.25, 0.5, 0.75, 1), gamma = 2, binding = FALSE),
  list(type = "asOF", rates = c(0.4, 0.7, 1), binding = TRUE)
)
cases <- list()
for (d in designs) {
  k_max <- length(d$rates)
  args <- list(kMax = k_max, alpha = 0.025, sided = 1, typeOfDesign = d$type, informationRates = d$rates)
  if (d$type == "asKD") args$gammaA <- d$gamma
  if (d$binding) { args$futilityBounds <- rep(0, k_max - 1); args$bindingFutility <- TRUE }
  design <- do.call(getDesignGroupSequential, args)
  c_k <- design$criticalValues
  total <- 300
  events <- round(d$rates * total)
  for (stage in seq_len(k_max)) {
    # z at the stopping look: above its boundary (or, at the final look, on either side of it).
    finals <- if (stage < k_max) c(c_k[stage] + 0.05, c_k[stage] + 0.8) else c(c_k[stage] - 0.9, c_k[stage] + 0.4)
    # With a binding futility rule, also earlier looks just above the bound (z = 0.05) and a
    # large z at the stopping look: rpact's futility correction then raises the repeated
    # interval's upper limit to the hazard ratio at which the earlier look's z is the bound.
    low_earlier <- d$binding && stage > 1
    if (low_earlier) finals <- c(finals, c_k[stage] + 0.8)
    for (f in seq_along(finals)) {
      z_stop <- finals[f]
      for (r in c(1, 2)) {
        # Earlier looks below their boundaries (and above a binding futility bound).
        earlier <- if (stage > 1) pmin(c_k[1:(stage - 1)] - 0.3, 0.4 + 0.5 * seq_len(stage - 1)) else numeric(0)
        if (f == 3) earlier <- rep(0.05, stage - 1)
        z <- c(earlier, z_stop)
        ds <- getDataset(cumulativeEvents = events[1:stage], cumulativeLogRanks = -z,
                         cumulativeAllocationRatios = rep(r, stage))
        invisible(capture.output(res <- getAnalysisResults(design, ds, directionUpper = FALSE)))
        cases[[length(cases) + 1]] <- list(
          critical_values = c_k,
          futility_bounds = if (d$binding) design$futilityBounds else NULL,
          stage = stage,
          z = z,
          events = events[1:stage],
          allocation_ratio = r,
          p = res$finalPValues[stage],
          median_unbiased = res$medianUnbiasedEstimates[stage],
          lower = res$finalConfidenceIntervalLowerBounds[stage],
          upper = res$finalConfidenceIntervalUpperBounds[stage],
          rci_lower = res$repeatedConfidenceIntervalLowerBounds[1:stage],
          rci_upper = res$repeatedConfidenceIntervalUpperBounds[1:stage]
        )
      }
    }
  }
}
cat(toJSON(list(rpact = as.character(packageVersion("rpact")), cases = cases), digits = NA, auto_unbox = TRUE, null = "null"))
