# Reference conditional powers from rpact's getConditionalPower for group-sequential
# survival designs, at hand-chosen interim results (cumulative events and log-rank z),
# for tests/reference_design.rs::conditional_power_agrees_with_rpact.
#
#   Rscript tests/reference/make_conditional_power_refs.R > tests/reference/conditional_power_refs.json
#
# rpact's convention: directionUpper = FALSE (a hazard ratio below 1 is good), so the log-rank
# statistic it reads is minus peritrial's z. thetaH1 = NA uses the trial's own estimate.
suppressMessages({ library(rpact); library(jsonlite) })
designs <- list(
  list(type = "asOF", rates = c(0.4, 0.7, 1)),
  list(type = "asP", rates = c(0.5, 1)),
  list(type = "asKD", rates = c(0.25, 0.5, 0.75, 1), gamma = 2),
  list(type = "asOF", rates = c(0.3, 0.6, 0.8, 1))
)
cases <- list()
for (d in designs) {
  design <- if (d$type == "asKD") {
    getDesignGroupSequential(kMax = length(d$rates), alpha = 0.025, sided = 1, typeOfDesign = "asKD", gammaA = d$gamma, informationRates = d$rates)
  } else {
    getDesignGroupSequential(kMax = length(d$rates), alpha = 0.025, sided = 1, typeOfDesign = d$type, informationRates = d$rates)
  }
  total <- 300
  for (stage in seq_len(length(d$rates) - 1)) {
    for (z in c(-0.5, 0.8, 1.6, 2.2)) {
      for (r in c(1, 2)) {
        for (theta in list(NA, 0.75, 0.6)) {
          events <- round(d$rates[1:stage] * total)
          zs <- z * sqrt(d$rates[1:stage] / d$rates[stage])  # an increasing path ending at z
          ds <- getDataset(cumulativeEvents = events, cumulativeLogRanks = -zs, cumulativeAllocationRatios = rep(r, stage))
          sr <- getStageResults(design, dataInput = ds, directionUpper = FALSE)
          planned <- diff(round(d$rates * total))[stage:(length(d$rates) - 1)]
          cp <- if (is.na(theta)) {
            getConditionalPower(sr, nPlanned = planned, allocationRatioPlanned = r)
          } else {
            getConditionalPower(sr, nPlanned = planned, thetaH1 = theta, allocationRatioPlanned = r)
          }
          cases[[length(cases) + 1]] <- list(
            critical_values = design$criticalValues,
            stage = stage,
            z = z,
            events = c(events, cumsum(planned) + events[stage]),
            allocation_ratio = r,
            hazard_ratio = if (is.na(theta)) NULL else theta,
            conditional_power = cp$conditionalPower[(stage + 1):length(d$rates)]
          )
        }
      }
    }
  }
}
cat(toJSON(list(rpact = as.character(packageVersion("rpact")), cases = cases), digits = NA, auto_unbox = TRUE, null = "null"))
