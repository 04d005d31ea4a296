# Event re-estimation with the inverse-normal combination test: rpact's getSimulationSurvival
# with getDesignInverseNormal and conditionalPower, minNumberOfEventsPerStage and
# maxNumberOfEventsPerStage, for tests/engine_reference.rs. Conventions as make_rpact_refs.R.
# Run from the repository root:  Rscript tests/reference/make_rpact_reestimation_refs.R
# Writes tests/reference/rpact_reestimation_refs.json.
suppressPackageStartupMessages({ library(rpact); library(jsonlite) })
sims <- list()
add_sim <- function(name, hr, events, min_events, max_events, type = "asOF", cp = 0.8, theta_h1 = NA,
                    n = 900, accrual = 24, median = 24, dropout = 0.004, iterations = 20000, seed = 20261202) {
  design <- getDesignInverseNormal(kMax = length(events), alpha = 0.025, typeOfDesign = type,
                                   informationRates = events / max(events))
  args <- list(design, lambda2 = log(2) / median, hazardRatio = hr, directionUpper = FALSE,
               dropoutRate1 = 1 - exp(-12 * dropout), dropoutRate2 = 1 - exp(-12 * dropout), dropoutTime = 12,
               accrualTime = c(0, accrual), maxNumberOfSubjects = n, plannedEvents = events,
               conditionalPower = cp, minNumberOfEventsPerStage = c(NA, min_events),
               maxNumberOfEventsPerStage = c(NA, max_events), maxNumberOfIterations = iterations, seed = seed)
  if (!is.na(theta_h1)) args$thetaH1 <- theta_h1
  sim <- do.call(getSimulationSurvival, args)
  sims[[name]] <<- list(hazard_ratio = hr, events = events, sample_size = n, accrual_months = accrual,
                        median_months = median, dropout_per_month = dropout, allocation_control = 1,
                        allocation_treatment = 1, spending = type, iterations = iterations,
                        conditional_power = cp, min_events = min_events, max_events = max_events,
                        theta_h1 = if (is.na(theta_h1)) NULL else theta_h1,
                        power = sim$overallReject, reject_per_stage = as.numeric(sim$rejectPerStage),
                        futility_per_stage = as.numeric(sim$futilityPerStage),
                        expected_events = sim$expectedNumberOfEvents,
                        events_not_achieved = sum(sim$eventsNotAchieved))
}
add_sim("reestimation_two_stages_obf", 0.75, c(150, 300), 150, 450)
add_sim("reestimation_three_stages_pocock", 0.8, c(100, 200, 300), c(100, 100), c(300, 300), type = "asP")
add_sim("reestimation_two_stages_assumed_hr", 0.75, c(120, 240), 100, 360, theta_h1 = 0.7)
add_sim("reestimation_null", 1.0, c(150, 300), 150, 450)
cat(toJSON(list(rpact = as.character(packageVersion("rpact")), simulations = sims), auto_unbox = TRUE, digits = NA, pretty = TRUE),
    file = "tests/reference/rpact_reestimation_refs.json")
