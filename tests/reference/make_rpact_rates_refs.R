# Non-inferiority on the difference of response rates: the Farrington–Manning score test of
# H0: p_t - p_c <= thetaH0 (rpact's getSimulationRates / getPowerRates / getSampleSizeRates with
# groups = 2, riskRatio = FALSE), for tests/reference_binary.rs and tests/engine_reference.rs.
# Run from the repository root:
#   Rscript tests/reference/make_rpact_rates_refs.R
# Writes tests/reference/rpact_rates_refs.json.
#
# - farrington_manning: the restricted maximum-likelihood rates from rpact's closed form
#   (rpact:::.getFarringtonManningValues), checked here against a direct numerical maximisation
#   of the binomial likelihood under p_t - p_c = thetaH0 (optimize), and the score statistic
#   z = (r_t - r_c - thetaH0) / sqrt(ml_t (1 - ml_t) / n_t + ml_c (1 - ml_c) / n_c).
# - power: getPowerRates and getSampleSizeRates of a fixed design (normal approximation).
# - simulations: getSimulationRates of a fixed design (the engine's binary endpoints are
#   analysed once), treatment = group 1, allocationRatioPlanned = n_t / n_c.
suppressPackageStartupMessages({ library(rpact); library(jsonlite) })

fm <- list()
for (case in list(c(45, 60, 48, 60, -0.1), c(30, 50, 40, 50, -0.2), c(0, 20, 3, 20, -0.15),
                  c(20, 20, 19, 20, -0.1), c(80, 120, 40, 60, -0.12), c(7, 9, 9, 11, -0.3),
                  c(150, 200, 160, 200, -0.05), c(12, 40, 20, 80, -0.1), c(33, 33, 30, 33, -0.02),
                  c(5, 100, 9, 100, -0.04), c(50, 100, 50, 100, -0.5), c(99, 100, 100, 100, -0.01))) {
  x1 <- case[1]; n1 <- case[2]; x2 <- case[3]; n2 <- case[4]; d <- case[5]
  r1 <- x1 / n1; r2 <- x2 / n2
  ml <- rpact:::.getFarringtonManningValues(r1, r2, d, n1 / n2, "diff")
  # Independent: maximise the log-likelihood over p_c with p_t = p_c + d.
  ll <- function(p2) { p1 <- p2 + d; dbinom(x1, n1, p1, log = TRUE) + dbinom(x2, n2, p2, log = TRUE) }
  opt <- optimize(ll, c(max(0, -d), min(1, 1 - d)), maximum = TRUE, tol = 1e-12)
  z <- (r1 - r2 - d) / sqrt(ml$ml1 * (1 - ml$ml1) / n1 + ml$ml2 * (1 - ml$ml2) / n2)
  fm[[length(fm) + 1]] <- list(x_treatment = x1, n_treatment = n1, x_control = x2, n_control = n2,
                               null_difference = d, ml_treatment = ml$ml1, ml_control = ml$ml2,
                               ml_control_optimize = opt$maximum, z = z)
}

power <- list()
for (case in list(c(0.8, 0.8, -0.12, 360, 1, 0.025), c(0.6, 0.65, -0.1, 400, 1, 0.025),
                  c(0.3, 0.3, -0.1, 500, 2, 0.025), c(0.45, 0.4, -0.05, 300, 1, 0.05),
                  c(0.5, 0.3, 0, 200, 1, 0.025), c(0.7, 0.8, -0.15, 600, 0.5, 0.025))) {
  p1 <- case[1]; p2 <- case[2]; d <- case[3]; n <- case[4]; r <- case[5]; a <- case[6]
  design <- getDesignGroupSequential(kMax = 1, alpha = a)
  pw <- getPowerRates(design, groups = 2, thetaH0 = d, pi1 = p1, pi2 = p2, maxNumberOfSubjects = n,
                      allocationRatioPlanned = r)
  s80 <- getSampleSizeRates(getDesignGroupSequential(kMax = 1, alpha = a, beta = 0.2), groups = 2,
                            thetaH0 = d, pi1 = p1, pi2 = p2, allocationRatioPlanned = r)
  s90 <- getSampleSizeRates(getDesignGroupSequential(kMax = 1, alpha = a, beta = 0.1), groups = 2,
                            thetaH0 = d, pi1 = p1, pi2 = p2, allocationRatioPlanned = r)
  power[[length(power) + 1]] <- list(rate_treatment = p1, rate_control = p2, null_difference = d,
                                     sample_size = n, allocation_ratio = r, alpha = a,
                                     power = pw$overallReject, patients_80 = s80$maxNumberOfSubjects,
                                     patients_90 = s90$maxNumberOfSubjects)
}

sims <- list()
add_sim <- function(name, p1, p2, d, n, alloc = c(1, 1), iterations = 20000, seed = 20261202) {
  design <- getDesignGroupSequential(kMax = 1, alpha = 0.025)
  sim <- getSimulationRates(design, groups = 2, thetaH0 = d, pi1 = p1, pi2 = p2, plannedSubjects = n,
                            allocationRatioPlanned = alloc[2] / alloc[1], maxNumberOfIterations = iterations,
                            seed = seed)
  sims[[name]] <<- list(rate_treatment = p1, rate_control = p2, null_difference = d, sample_size = n,
                        allocation_control = alloc[1], allocation_treatment = alloc[2],
                        iterations = iterations, power = sim$overallReject)
}
add_sim("ni_rates_equal", 0.8, 0.8, -0.12, 360)
add_sim("ni_rates_at_the_margin", 0.68, 0.8, -0.12, 360)
add_sim("ni_rates_unequal_allocation", 0.55, 0.5, -0.1, 300, alloc = c(1, 2))
add_sim("ni_rates_small_margin_at_margin", 0.25, 0.3, -0.05, 600)
cat(toJSON(list(rpact = as.character(packageVersion("rpact")), farrington_manning = fm, power = power,
                simulations = sims), auto_unbox = TRUE, digits = NA, pretty = TRUE),
    file = "tests/reference/rpact_rates_refs.json")
