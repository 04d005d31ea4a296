# Reference values from rpact (Debian r-cran-rpact 3.3.4) for peritrial's design and engine
# tests. Run from the repository root:  Rscript tests/reference/make_rpact_refs.R
# Writes tests/reference/rpact_refs.json:
#   boundaries: getDesignGroupSequential critical values (asOF, asP, asHSD; 2-5 looks; equal
#               and unequal spacing), one-sided alpha 0.025 unless stated;
#   simulations: getSimulationSurvival power and per-stage rejection rates for scenarios that
#               peritrial's tests rebuild (same hazards, accrual, dropout, events, looks);
#   analytic: getPowerSurvival / getSampleSizeSurvival numbers.
# rpact conventions: group 1 = treatment; hazardRatio = lambda1 / lambda2; directionUpper =
# FALSE counts HR < 1 as success; dropoutRate is a probability by dropoutTime, so a hazard h
# per month is 1 - exp(-12 h) with dropoutTime = 12.
suppressPackageStartupMessages({ library(rpact); library(jsonlite) })

boundaries <- list()
add_design <- function(type, rates, alpha = 0.025, gamma = NA) {
  d <- if (is.na(gamma)) getDesignGroupSequential(kMax = length(rates), alpha = alpha, typeOfDesign = type, informationRates = rates)
       else getDesignGroupSequential(kMax = length(rates), alpha = alpha, typeOfDesign = type, gammaA = gamma, informationRates = rates)
  boundaries[[length(boundaries) + 1]] <<- list(type = type, gamma = if (is.na(gamma)) NULL else gamma, alpha = alpha,
                                               information = rates, critical = as.numeric(d$criticalValues))
}
spacings <- list(c(0.5, 1), c(0.3, 1), c(1/3, 2/3, 1), c(0.2, 0.5, 1), c(0.25, 0.5, 0.75, 1), c(0.1, 0.4, 0.7, 1),
                 c(0.2, 0.4, 0.6, 0.8, 1), c(0.15, 0.3, 0.6, 0.8, 1))
for (r in spacings) {
  add_design("asOF", r)
  add_design("asP", r)
  add_design("asHSD", r, gamma = -4)
  add_design("asHSD", r, gamma = 1)
}
add_design("asOF", c(0.5, 1), alpha = 0.05)

# Non-binding futility by beta spending (rpact typeBetaSpending): bounds at the interims.
futility <- list()
for (r in list(c(0.5, 1), c(0.3, 0.6, 1), c(0.25, 0.5, 0.75, 1))) {
  for (bs in c("bsOF", "bsP")) {
    d <- getDesignGroupSequential(kMax = length(r), alpha = 0.025, beta = 0.2, typeOfDesign = "asOF",
                                  typeBetaSpending = bs, bindingFutility = FALSE, informationRates = r)
    futility[[length(futility) + 1]] <- list(type = "asOF", beta_spending = bs, beta = 0.2, information = r,
                                             critical = as.numeric(d$criticalValues),
                                             futility = as.numeric(d$futilityBounds))
  }
}
add_design("asP", c(0.4, 0.7, 1), alpha = 0.01)

sims <- list()
add_sim <- function(name, hr, events, looks = 1, type = "asOF", n = 600, accrual = 24, median = 24,
                    dropout = 0.004, alloc = c(1, 1), iterations = 20000, seed = 20261126, beta_spending = NA) {
  design <- if (looks == 1) getDesignGroupSequential(kMax = 1, alpha = 0.025)
            else if (is.na(beta_spending)) getDesignGroupSequential(kMax = length(events), alpha = 0.025, typeOfDesign = type,
                                          informationRates = events / max(events))
            else getDesignGroupSequential(kMax = length(events), alpha = 0.025, beta = 0.2, typeOfDesign = type,
                                          typeBetaSpending = beta_spending, bindingFutility = FALSE,
                                          informationRates = events / max(events))
  sim <- getSimulationSurvival(design, lambda2 = log(2) / median, hazardRatio = hr, directionUpper = FALSE,
                               allocation1 = alloc[2], allocation2 = alloc[1],
                               dropoutRate1 = 1 - exp(-12 * dropout), dropoutRate2 = 1 - exp(-12 * dropout),
                               dropoutTime = 12, accrualTime = c(0, accrual), maxNumberOfSubjects = n,
                               plannedEvents = events, maxNumberOfIterations = iterations, seed = seed)
  sims[[name]] <<- list(hazard_ratio = hr, events = events, sample_size = n, accrual_months = accrual,
                        median_months = median, dropout_per_month = dropout, allocation_control = alloc[1],
                        allocation_treatment = alloc[2], spending = type, iterations = iterations,
                        beta_spending = if (is.na(beta_spending)) NULL else beta_spending,
                        power = sim$overallReject, reject_per_stage = as.numeric(sim$rejectPerStage),
                        futility_per_stage = as.numeric(sim$futilityPerStage))
}
add_sim("canonical", 0.7, 300)
add_sim("null", 1.0, 300)
add_sim("unequal_allocation", 0.7, 250, alloc = c(1, 2), n = 540)
add_sim("two_looks_obf", 0.7, c(150, 300), looks = 2)
add_sim("three_looks_pocock", 0.75, c(100, 200, 300), looks = 3, type = "asP")
add_sim("small_slow", 0.6, 80, n = 200, accrual = 36, median = 30, dropout = 0.01)
add_sim("two_looks_beta_spending_futility", 0.8, c(150, 300), looks = 2, beta_spending = "bsOF")

analytic <- list()
p <- getPowerSurvival(alpha = 0.025, directionUpper = FALSE, lambda2 = log(2) / 24, hazardRatio = 0.7,
                      maxNumberOfEvents = 300, maxNumberOfSubjects = 600, accrualTime = c(0, 24),
                      dropoutRate1 = 1 - exp(-12 * 0.004), dropoutRate2 = 1 - exp(-12 * 0.004), dropoutTime = 12)
analytic$power_canonical <- list(power = p$overallReject, analysis_time = p$analysisTime[1])
s <- getSampleSizeSurvival(alpha = 0.025, beta = 0.1, lambda2 = log(2) / 24, hazardRatio = 0.7,
                           accrualTime = c(0, 24), followUpTime = 24)
analytic$sample_size_90 <- list(events = s$maxNumberOfEvents, subjects = s$maxNumberOfSubjects)

writeLines(toJSON(list(boundaries = boundaries, futility = futility, simulations = sims, analytic = analytic),
                  auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/reference/rpact_refs.json")
cat("done\n")
