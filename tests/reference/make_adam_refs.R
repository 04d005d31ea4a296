# The ADaM export's ADTTE read by R: per trial and parameter, survival::survdiff's log-rank
# test of TRT01PN with Surv(AVAL, CNSR == 0), the analysis a SAS or R programme runs on ADTTE.
# The data were written by (from the repository root):
#   peritrial sample scenarios/gastric-adjuvant.toml --trials 2 --set enrollment.sample_size=160 \
#     --adam --reference-date 2026-01-01 --out /tmp/adam && cp /tmp/adam/adtte.csv tests/reference/data/adam/
# Run:  Rscript tests/reference/make_adam_refs.R   (writes tests/reference/adam_refs.json)
suppressPackageStartupMessages({ library(survival); library(jsonlite) })
d <- read.csv("tests/reference/data/adam/adtte.csv", stringsAsFactors = FALSE)
out <- list()
for (trial in sort(unique(d$TRIAL))) {
  for (p in unique(d$PARAMCD)) {
    x <- d[d$TRIAL == trial & d$PARAMCD == p, ]
    sd <- survdiff(Surv(AVAL, CNSR == 0) ~ TRT01PN, data = x)
    treated <- which(names(sd$n) == "TRT01PN=1")
    z <- -sign(sd$obs[treated] - sd$exp[treated]) * sqrt(sd$chisq)
    out[[length(out) + 1]] <- list(trial = trial, paramcd = p, n = nrow(x), events = sum(x$CNSR == 0),
                                   chisq = sd$chisq, z = z)
  }
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/reference/adam_refs.json")
cat("done\n")
