# Two-sided group-sequential designs (rpact getDesignGroupSequential(sided = 2)): the
# symmetric case of peritrial's efficacy boundaries with a harm bound at the same spending and
# level (alpha = 2 x 0.025), for tests/reference_design.rs. Run from the repository root:
#   Rscript tests/reference/make_rpact_two_sided_refs.R
# Writes tests/reference/rpact_two_sided_refs.json.
suppressPackageStartupMessages({ library(rpact); library(jsonlite) })
designs <- list()
for (rates in list(c(0.5, 1), c(0.4, 0.7, 1), c(0.25, 0.5, 0.75, 1))) for (type in c("asOF", "asP")) {
  d <- getDesignGroupSequential(kMax = length(rates), alpha = 0.05, sided = 2, typeOfDesign = type, informationRates = rates)
  designs[[length(designs) + 1]] <- list(type = type, information = rates, critical = as.numeric(d$criticalValues))
}
cat(toJSON(list(rpact = as.character(packageVersion("rpact")), designs = designs), auto_unbox = TRUE, digits = NA, pretty = TRUE),
    file = "tests/reference/rpact_two_sided_refs.json")
