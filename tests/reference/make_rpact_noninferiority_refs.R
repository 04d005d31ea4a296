# Non-inferiority on the hazard-ratio scale: rpact's getSimulationSurvival with thetaH0 (the
# margin; H0: HR >= thetaH0, directionUpper = FALSE), for tests/engine_reference.rs. Same
# conventions as make_rpact_refs.R. Run from the repository root:
#   Rscript tests/reference/make_rpact_noninferiority_refs.R
# Writes tests/reference/rpact_noninferiority_refs.json.
suppressPackageStartupMessages({ library(rpact); library(jsonlite) })
sims <- list()
add_sim <- function(name, hr, theta0, events, looks = 1, type = "asOF", n = 600, accrual = 24, median = 24,
                    dropout = 0.004, alloc = c(1, 1), iterations = 20000, seed = 20261202) {
  design <- if (looks == 1) getDesignGroupSequential(kMax = 1, alpha = 0.025)
            else getDesignGroupSequential(kMax = length(events), alpha = 0.025, typeOfDesign = type,
                                          informationRates = events / max(events))
  sim <- getSimulationSurvival(design, thetaH0 = theta0, lambda2 = log(2) / median, hazardRatio = hr,
                               directionUpper = FALSE, allocation1 = alloc[2], allocation2 = alloc[1],
                               dropoutRate1 = 1 - exp(-12 * dropout), dropoutRate2 = 1 - exp(-12 * dropout),
                               dropoutTime = 12, accrualTime = c(0, accrual), maxNumberOfSubjects = n,
                               plannedEvents = events, maxNumberOfIterations = iterations, seed = seed)
  sims[[name]] <<- list(hazard_ratio = hr, theta_h0 = theta0, events = events, sample_size = n,
                        accrual_months = accrual, median_months = median, dropout_per_month = dropout,
                        allocation_control = alloc[1], allocation_treatment = alloc[2], spending = type,
                        iterations = iterations, power = sim$overallReject,
                        reject_per_stage = as.numeric(sim$rejectPerStage),
                        futility_per_stage = as.numeric(sim$futilityPerStage))
}
add_sim("ni_fixed_equal_effect", 1.0, 1.3, 300)
add_sim("ni_at_the_margin", 1.3, 1.3, 300)
add_sim("ni_two_looks_obf", 0.95, 1.25, c(200, 400), looks = 2, n = 800, accrual = 30)
add_sim("ni_unequal_allocation_pocock", 1.0, 1.4, c(120, 240), looks = 2, type = "asP", alloc = c(1, 2), n = 540)
cat(toJSON(list(rpact = as.character(packageVersion("rpact")), simulations = sims), auto_unbox = TRUE, digits = NA, pretty = TRUE),
    file = "tests/reference/rpact_noninferiority_refs.json")
