test_that("pt_run's data frames are the JSON report's numbers", {
  skip_if_not(have_binary())
  r <- pt_run(scenario("gastric-adjuvant.toml"), set = list("analysis.looks" = c(0.5, 1)), replicates = 300)
  expect_s3_class(r, "peritrial_run")
  expect_equal(r$endpoints$endpoint, c("efs", "pfs", "os", "regional_recurrence"))
  j <- jsonlite::fromJSON(r$json, simplifyVector = FALSE)
  for (i in seq_along(r$endpoints$endpoint)) {
    e <- j$endpoints[[r$endpoints$endpoint[i]]]
    expect_identical(r$endpoints$power[i], e$power)
    expect_identical(r$endpoints$power_mcse[i], e$power_mcse)
    expect_identical(r$endpoints$estimate_q500[i], e$estimate$q500)
    expect_identical(r$endpoints$power_ci_lower[i], e$power_ci[[1]])
  }
  expect_equal(sum(r$looks$endpoint == "efs"), 2)
  expect_identical(r$looks$boundary_z[1], j$endpoints$efs$looks[[1]]$boundary_z)
  expect_true(all(c("endpoint", "month", "arm", "mean", "q025", "q975") %in% names(r$milestones)))
  # The CLI's own JSON for the same run is the same report.
  cli <- system2(pt_binary(), shQuote(c("run", scenario("gastric-adjuvant.toml"), "--set", "analysis.looks=[0.5, 1]",
                                        "--replicates", "300", "--format", "json", "--quiet")), stdout = TRUE)
  a <- jsonlite::fromJSON(paste(cli, collapse = "\n"), simplifyVector = FALSE)
  expect_identical(a$endpoints, j$endpoints)
  expect_output(print(r), "Power")
  expect_output(print(summary(r)), "Stage results")
  f <- tempfile(fileext = ".pdf"); grDevices::pdf(f); plot(r); grDevices::dev.off()
  expect_true(file.size(f) > 0)
})

test_that("a scenario given as an R list runs as its TOML does", {
  skip_if_not(have_binary())
  sc <- list(
    study = list(name = "from R", replicates = 400L, seed = 7L),
    arms = list(control = list(allocation = 1L), rmhtnf = list(allocation = 1L)),
    enrollment = list(sample_size = 300L, accrual = list(months = 12)),
    cohorts = list(gastric = list(share = 1.0, events = list(pm = list(distribution = "exponential", median_months = 24,
                                                                       hazard_ratio = list(rmhtnf = 0.7))))),
    endpoints = list(efs = list(kind = "time_to_event", events = I("pm"), test = "logrank", treatment = "rmhtnf",
                                control = "control", alpha = 0.025)),
    analysis = list(cut = list(endpoint = "efs", events = 150L)))
  f <- tempfile(fileext = ".toml"); writeLines(pt_toml(sc), f)
  expect_identical(pt_run(sc)$endpoints$power, pt_run(f)$endpoints$power)
  expect_equal(pt_run(sc)$endpoints$events_mean, 150)
})

test_that("peritrial's located messages are R errors", {
  skip_if_not(have_binary())
  e <- tryCatch(pt_validate(scenario("two-arm-efs-logrank.toml"), set = list("enrollment.sample_size" = -3)),
                peritrial_error = function(e) e)
  expect_s3_class(e, "peritrial_error")
  expect_equal(e$status, 2L)
  expect_match(conditionMessage(e), "enrollment.sample_size = -3")
  expect_true(pt_validate(scenario("two-arm-efs-logrank.toml")))
})

test_that("pt_sweep and pt_size return the engine's answers", {
  skip_if_not(have_binary())
  sw <- pt_sweep(scenario("two-arm-efs-logrank.toml"), vary = list("enrollment.sample_size" = c(400, 600)), replicates = 200)
  expect_equal(sw$points$enrollment.sample_size, c(400, 600))
  expect_true(all(sw$points$power >= 0 & sw$points$power <= 1))
  expect_output(print(sw), "Sweep")
  sz <- pt_size(scenario("two-arm-efs-logrank.toml"), endpoint = "efs", target_power = 0.8, replicates = 400)
  expect_true(sz$interval[1] <= sz$value && sz$value <= sz$interval[2])
})

test_that("print and summary show what the table shows: the group-sequential companion and the type I error", {
  skip_if_not(have_binary())
  r <- pt_run(scenario("colorectal-adjuvant.toml"), replicates = 300, null = TRUE)
  j <- jsonlite::fromJSON(r$json, simplifyVector = FALSE)
  e <- j$endpoints[[1]]
  out <- paste(capture.output(print(summary(r))), collapse = "\n")
  expect_match(out, "Analytic power (group-sequential)", fixed = TRUE)
  expect_match(out, sprintf("%.3f", e$analytic$group_sequential_power), fixed = TRUE)
  expect_false(grepl("Schoenfeld", out, fixed = TRUE))
  t1 <- j$null$endpoints[[names(j$endpoints)[1]]]
  expect_identical(r$endpoints$type_one_error[1], t1$type_one_error)
  expect_match(out, "Type I error", fixed = TRUE)
  expect_match(out, sprintf("%.4f", t1$type_one_error), fixed = TRUE)
  b <- pt_run(scenario("ascites-dcr-single-arm.toml"), replicates = 300)
  expect_output(print(b), "reject with 8 or more responses", fixed = TRUE)
  # Both bounds and H0 beside H1, as the table shows them.
  f <- pt_run(scenario("binding-futility.toml"), replicates = 300, null = TRUE)
  j <- jsonlite::fromJSON(f$json, simplifyVector = FALSE)
  out <- paste(capture.output(print(summary(f))), collapse = "\n")
  expect_match(out, "Boundaries (efficacy and futility", fixed = TRUE)
  expect_identical(f$looks$futility_hazard_ratio[1], j$endpoints$efs$looks[[1]]$futility_hazard_ratio)
  expect_identical(f$looks$boundary_p[2], j$endpoints$efs$looks[[2]]$boundary_p)
  expect_identical(f$null_expected$under_h0[2], j$null$expected_patients)
  expect_identical(f$null_looks$futility_stops[1], j$null$looks[[1]]$futility_stops)
  expect_match(out, "Stage results under H0", fixed = TRUE)
  # The inference at stopping beside the naive estimate, as the table shows it.
  i <- j$endpoints$efs$inference_at_stopping
  expect_identical(f$stopping$q500[1], i$quantiles$q500)
  expect_identical(f$stopping$coverage[1], i$accuracy$coverage)
  expect_identical(f$stopping$coverage[2], i$accuracy$naive_coverage)
  expect_match(out, "Inference at stopping", fixed = TRUE)
})

test_that("only a peritrial report is read as one", {
  f <- tempfile(fileext = ".json")
  writeLines("{}", f)
  expect_error(pt_read(f), "is not a peritrial run report")
  writeLines('{"points": [], "seconds": 1}', f)
  expect_error(pt_read(f), "is not a peritrial run report")
  writeLines("not json", f)
  expect_error(pt_read(f), "is not JSON")
  expect_error(parse_report("{}", "sweep"), "is not a peritrial sweep report")
  expect_error(parse_report('{"endpoint": "efs"}', "size"), "is not a peritrial size report")
  skip_if_not(have_binary())
  out <- tempfile(fileext = ".json")
  system2(pt_binary(), shQuote(c("run", scenario("two-arm-efs-logrank.toml"), "--replicates", "50", "--format", "json",
                                 "--quiet", "--out", out)))
  r <- pt_read(out)
  expect_s3_class(r, "peritrial_run")
  expect_identical(r$endpoints$power, pt_run(scenario("two-arm-efs-logrank.toml"), replicates = 50)$endpoints$power)
})
