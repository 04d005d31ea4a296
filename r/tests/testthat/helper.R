# The peritrial program: PERITRIAL_BIN or the PATH. Without it the tests are skipped, unless
# PERITRIAL_REQUIRE_BINARY=1 (CI), where a missing program fails.
have_binary <- function() {
  ok <- tryCatch(nzchar(pt_binary()), error = function(e) FALSE)
  if (!ok && identical(Sys.getenv("PERITRIAL_REQUIRE_BINARY"), "1")) stop("PERITRIAL_REQUIRE_BINARY=1 but no peritrial program")
  ok
}
scenario <- function(name) {
  f <- file.path(Sys.getenv("PERITRIAL_SCENARIOS", "../../../scenarios"), name)
  if (!file.exists(f)) skip(paste("no scenario", f))
  f
}
