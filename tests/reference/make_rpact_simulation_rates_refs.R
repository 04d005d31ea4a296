# Reference operating characteristics of group-sequential designs on a binary endpoint from
# rpact's getSimulationRates (issue 27 item 1: responses monitored at looks): per design, the
# boundaries, the rejections and futility stops per stage, the power and the expected number of
# patients, for two arms (the uncorrected chi-square z, rpact's normal approximation, and the
# Farrington-Manning z against a margin) and one arm (the z of a rate against its null), with
# O'Brien-Fleming and Pocock alpha spending and beta-spending futility, 2-4 looks at the
# cumulative patients given. 100,000 iterations a design (Monte Carlo SE of a power near 0.8:
# 0.0013), seed 20261207. For the engine's comparison within 4 combined MCSE.
#
#   Rscript tests/reference/make_rpact_simulation_rates_refs.R > tests/reference/rpact_simulation_rates_refs.json
suppressMessages({ library(rpact); library(jsonlite) })
designs <- list(
  list(groups = 2, type = "asOF", patients = c(80, 160, 240), pi1 = 0.45, pi2 = 0.25, beta = NA, theta0 = 0),
  list(groups = 2, type = "asP", patients = c(100, 200), pi1 = 0.45, pi2 = 0.25, beta = NA, theta0 = 0),
  list(groups = 2, type = "asOF", patients = c(60, 120, 180, 240), pi1 = 0.45, pi2 = 0.25, beta = 0.2, theta0 = 0),
  list(groups = 2, type = "asOF", patients = c(80, 160, 240), pi1 = 0.25, pi2 = 0.25, beta = NA, theta0 = 0),
  list(groups = 2, type = "asOF", patients = c(150, 300), pi1 = 0.45, pi2 = 0.45, beta = NA, theta0 = -0.15),
  list(groups = 1, type = "asOF", patients = c(20, 40, 60), pi1 = 0.35, pi2 = NA, beta = NA, theta0 = 0.15),
  list(groups = 1, type = "asP", patients = c(30, 60), pi1 = 0.30, pi2 = NA, beta = 0.2, theta0 = 0.15),
  list(groups = 1, type = "asOF", patients = c(20, 40, 60), pi1 = 0.15, pi2 = NA, beta = NA, theta0 = 0.15)
)
out <- list()
for (d in designs) {
  k <- length(d$patients)
  args <- list(kMax = k, alpha = 0.025, sided = 1, typeOfDesign = d$type, informationRates = d$patients / d$patients[k])
  if (!is.na(d$beta)) { args$typeBetaSpending <- "bsOF"; args$beta <- d$beta; args$bindingFutility <- FALSE }
  design <- do.call(getDesignGroupSequential, args)
  sim_args <- list(design = design, groups = d$groups, pi1 = d$pi1, thetaH0 = d$theta0,
                   plannedSubjects = d$patients, maxNumberOfIterations = 100000, seed = 20261207,
                   directionUpper = TRUE)
  if (d$groups == 2) { sim_args$pi2 <- d$pi2; sim_args$normalApproximation <- TRUE; sim_args$riskRatio <- FALSE }
  invisible(capture.output(sim <- do.call(getSimulationRates, sim_args)))
  out[[length(out) + 1]] <- list(
    groups = d$groups, spending = d$type, patients = d$patients, pi1 = d$pi1,
    pi2 = if (is.na(d$pi2)) NULL else d$pi2, theta0 = d$theta0,
    beta_spending = if (is.na(d$beta)) NULL else d$beta,
    critical_values = design$criticalValues,
    futility_bounds = if (is.na(d$beta)) NULL else design$futilityBounds,
    iterations = sim$maxNumberOfIterations,
    reject_per_stage = as.numeric(sim$rejectPerStage),
    futility_per_stage = as.numeric(sim$futilityPerStage),
    overall_reject = sim$overallReject,
    expected_patients = sim$expectedNumberOfSubjects
  )
}
cat(toJSON(list(rpact = as.character(packageVersion("rpact")), designs = out), digits = NA, auto_unbox = TRUE, null = "null"))
