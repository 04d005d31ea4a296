#' The peritrial program and how it is called.

#' @export
pt_binary <- function() {
  b <- getOption("peritrial.binary", Sys.getenv("PERITRIAL_BIN", ""))
  if (!nzchar(b)) b <- Sys.which("peritrial")
  if (!nzchar(b) || !file.exists(b)) {
    stop("the peritrial program was not found: put it on the PATH, or set ",
         "options(peritrial.binary = \"/path/to/peritrial\") or the environment variable PERITRIAL_BIN",
         call. = FALSE)
  }
  unname(normalizePath(b))
}

# Runs peritrial with `args`; returns its standard output as one string. A non-zero exit is an
# R error of class "peritrial_error" carrying peritrial's own located message and exit status
# (2: bad input, 1: a failure).
pt_call <- function(args) {
  err <- tempfile("peritrial-stderr")
  on.exit(unlink(err), add = TRUE)
  out <- suppressWarnings(system2(pt_binary(), shQuote(args), stdout = TRUE, stderr = err))
  status <- attr(out, "status")
  if (is.null(status)) status <- 0L
  if (status != 0L) {
    msg <- paste(readLines(err, warn = FALSE), collapse = "\n")
    cond <- structure(class = c("peritrial_error", "error", "condition"),
                      list(message = paste0("peritrial exited with status ", status, ":\n", msg),
                           call = NULL, status = status, stderr = msg))
    stop(cond)
  }
  paste(out, collapse = "\n")
}

# The scenario as a file: a path as it is, an R list written to TOML.
scenario_file <- function(scenario) {
  if (is.character(scenario) && length(scenario) == 1L) {
    if (!file.exists(scenario)) stop("no scenario file ", scenario, call. = FALSE)
    return(scenario)
  }
  if (!is.list(scenario)) stop("a scenario is a file path or a named list", call. = FALSE)
  f <- tempfile("scenario", fileext = ".toml")
  writeLines(pt_toml(scenario), f)
  f
}

# `--set PATH=VALUE` arguments from a named list.
set_args <- function(set) {
  if (length(set) == 0L) return(character())
  if (is.null(names(set)) || any(!nzchar(names(set)))) stop("set = list(...) needs names (dotted paths)", call. = FALSE)
  unlist(lapply(names(set), function(p) c("--set", paste0(p, "=", toml_value(set[[p]])))))
}

study_args <- function(replicates, seed, threads) {
  c(if (!is.null(replicates)) c("--replicates", format(replicates, scientific = FALSE)),
    if (!is.null(seed)) c("--seed", format(seed, scientific = FALSE)),
    if (!is.null(threads)) c("--threads", format(threads)))
}
