# Data: pt_sample, pt_analyze, pt_validate.

#' @export
pt_sample <- function(scenario, trials, set = list(), seed = NULL, adam = FALSE) {
  file <- scenario_file(scenario)
  dir <- tempfile("peritrial-sample")
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  pt_call(c("sample", file, "--trials", format(trials, scientific = FALSE), set_args(set),
            if (!is.null(seed)) c("--seed", format(seed, scientific = FALSE)), if (isTRUE(adam)) "--adam",
            "--out", dir))
  read <- function(name) utils::read.csv(file.path(dir, name), stringsAsFactors = FALSE, check.names = FALSE)
  out <- list(patients = read("patients.csv"), trials = read("trials.csv"), dictionary = read("dictionary.csv"),
              provenance = readLines(file.path(dir, "provenance.txt"), warn = FALSE))
  if (isTRUE(adam)) {
    for (d in c("adsl", "adtte", "adrs", "adae")) out[[d]] <- read(paste0(d, ".csv"))
  }
  out
}

#' @export
pt_analyze <- function(data, time = "time", status = "status", arm = "arm", strata = NULL, treatment = NULL,
                       control = NULL, event_cause = NULL, response = NULL, null_rate = NULL, milestones = NULL,
                       tau = NULL) {
  if (is.data.frame(data)) {
    f <- tempfile("data", fileext = ".csv")
    on.exit(unlink(f), add = TRUE)
    utils::write.csv(data, f, row.names = FALSE, na = "")
  } else {
    f <- data
  }
  opt <- function(flag, value) if (is.null(value)) character() else c(flag, paste(format(value, digits = 17), collapse = ","))
  args <- c("analyze", f, if (is.null(response)) c("--time", time, "--status", status), "--arm", arm,
            opt("--strata", strata), opt("--treatment", treatment), opt("--control", control),
            opt("--event-cause", event_cause), opt("--response", response), opt("--null-rate", null_rate),
            opt("--milestones", milestones), opt("--tau", tau), "--format", "json")
  jsonlite::fromJSON(pt_call(args), simplifyVector = FALSE)
}

#' @export
pt_validate <- function(scenario, set = list()) {
  file <- scenario_file(scenario)
  pt_call(c("validate", file, set_args(set)))
  invisible(TRUE)
}
