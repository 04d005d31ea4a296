# The canonical scenario in rpact: 600 patients, uniform accrual over 24 months, exponential
# control median 24 months, hazard ratio 0.7, dropout hazard 0.004 per month in both arms,
# one-sided log-rank at 0.025 at 300 events, 10,000 trials. Prints seconds and power.
suppressPackageStartupMessages(library(rpact))
design <- getDesignGroupSequential(kMax = 1, alpha = 0.025, sided = 1)
run <- function(n) getSimulationSurvival(design, lambda2 = log(2) / 24, hazardRatio = 0.7, directionUpper = FALSE,
  dropoutRate1 = 1 - exp(-0.004 * 12), dropoutRate2 = 1 - exp(-0.004 * 12), dropoutTime = 12,
  accrualTime = c(0, 24), maxNumberOfSubjects = 600, plannedEvents = 300,
  maxNumberOfIterations = n, seed = 20261126)
invisible(run(100))  # warm-up
t <- system.time(s <- run(10000))[["elapsed"]]
cat(sprintf("rpact %s %.3f %.4f\n", as.character(packageVersion("rpact")), t, s$overallReject))
