# Binding futility: rpact's getDesignGroupSequential(bindingFutility = TRUE) with fixed z
# futility bounds and with beta spending, for tests/reference_design.rs. Run from the
# repository root:  Rscript tests/reference/make_rpact_binding_refs.R
# Writes tests/reference/rpact_binding_refs.json.
suppressPackageStartupMessages({ library(rpact); library(jsonlite) })
designs <- list()
add <- function(type, rates, futility = NULL, beta_spending = NULL, gamma = NA) {
  args <- list(kMax = length(rates), alpha = 0.025, sided = 1, typeOfDesign = type, informationRates = rates,
               bindingFutility = TRUE)
  if (!is.na(gamma)) args$gammaA <- gamma
  if (!is.null(futility)) args$futilityBounds <- futility
  if (!is.null(beta_spending)) { args$typeBetaSpending <- beta_spending; args$beta <- 0.2 }
  d <- do.call(getDesignGroupSequential, args)
  designs[[length(designs) + 1]] <<- list(type = type, gamma = if (is.na(gamma)) NULL else gamma, information = rates,
                                          z_futility = futility, beta_spending = beta_spending,
                                          critical = as.numeric(d$criticalValues),
                                          futility = as.numeric(d$futilityBounds))
}
for (rates in list(c(0.5, 1), c(0.4, 0.7, 1), c(0.25, 0.5, 0.75, 1))) {
  k <- length(rates) - 1
  for (type in c("asOF", "asP")) {
    add(type, rates, futility = rep(0, k))
    add(type, rates, futility = rep(0.5, k))
    add(type, rates, beta_spending = "bsOF")
    add(type, rates, beta_spending = "bsP")
  }
  add("asHSD", rates, futility = rep(-0.5, k), gamma = -4)
}
cat(toJSON(list(rpact = as.character(packageVersion("rpact")), designs = designs), auto_unbox = TRUE, digits = NA, pretty = TRUE),
    file = "tests/reference/rpact_binding_refs.json")
