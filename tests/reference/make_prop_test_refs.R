# prop.test with Yates' continuity correction (R's default, correct = TRUE), two-sided and
# one-sided ("greater": treatment first), for peritrial's chi_square with
# continuity_correction = true. Run from the repository root:
#   Rscript tests/reference/make_prop_test_refs.R   (writes tests/reference/prop_test_refs.json)
suppressPackageStartupMessages(library(jsonlite))
tables <- list(c(15, 40, 8, 40), c(30, 100, 22, 100), c(5, 12, 1, 11), c(50, 60, 45, 60), c(3, 30, 9, 31),
               c(0, 20, 4, 20), c(12, 25, 12, 25), c(7, 13, 6, 13))
out <- lapply(tables, function(t) {
  two <- suppressWarnings(prop.test(c(t[1], t[3]), c(t[2], t[4]), correct = TRUE))
  one <- suppressWarnings(prop.test(c(t[1], t[3]), c(t[2], t[4]), correct = TRUE, alternative = "greater"))
  list(x_treatment = t[1], n_treatment = t[2], x_control = t[3], n_control = t[4],
       chisq = unname(two$statistic), p_two_sided = two$p.value, p_greater = one$p.value)
})
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/reference/prop_test_refs.json")
cat("done\n")
