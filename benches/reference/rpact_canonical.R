suppressPackageStartupMessages(library(rpact))
d <- getDesignGroupSequential(kMax = 1, alpha = 0.025)
t <- system.time(s <- getSimulationSurvival(d, lambda2 = log(2)/24, hazardRatio = 0.7, directionUpper = FALSE,
  dropoutRate1 = 1 - exp(-12*0.004), dropoutRate2 = 1 - exp(-12*0.004), dropoutTime = 12,
  accrualTime = c(0, 24), maxNumberOfSubjects = 600, plannedEvents = 300, maxNumberOfIterations = 10000, seed = 1))
cat(t[["elapsed"]], "s, power", s$overallReject, "\n")
