test_that("pt_analyze agrees with survival::survdiff and coxph on exported trials", {
  skip_if_not(have_binary())
  skip_if_not_installed("survival")
  s <- pt_sample(scenario("gastric-adjuvant.toml"), trials = 2)
  expect_equal(sort(unique(s$patients$trial)), 1:2)
  for (k in 1:2) {
    d <- s$patients[s$patients$trial == k & !is.na(s$patients$efs_time), ]
    a <- pt_analyze(d, time = "efs_time", status = "efs_status", strata = "cohort")
    sd <- survival::survdiff(survival::Surv(efs_time, efs_status == 1) ~ arm, data = d)
    expect_equal(a$logrank$chisq, sd$chisq, tolerance = 1e-9)
    # The engine's own statistic for that trial.
    expect_equal(a$logrank$z, s$trials$efs_z[k], tolerance = 1e-12)
    cx <- survival::coxph(survival::Surv(efs_time, efs_status == 1) ~ I(arm == "rmhtnf"), data = d, ties = "efron")
    expect_equal(a$cox_efron$log_hr, unname(coef(cx)), tolerance = 1e-6)
  }
})

test_that("the ADaM export's ADTTE gives the trial's log-rank in R", {
  skip_if_not(have_binary())
  skip_if_not_installed("survival")
  s <- pt_sample(scenario("two-arm-efs-logrank.toml"), trials = 1, adam = TRUE)
  x <- s$adtte[s$adtte$PARAMCD == "EFS", ]
  sd <- survival::survdiff(survival::Surv(AVAL, CNSR == 0) ~ TRT01PN, data = x)
  expect_equal(sqrt(sd$chisq), abs(s$trials$efs_z[1]), tolerance = 1e-9)
  expect_equal(nrow(s$adsl), length(unique(s$adsl$USUBJID)))
})

test_that("binary responses: pt_analyze agrees with binom.test, fisher.test and prop.test", {
  skip_if_not(have_binary())
  d <- data.frame(arm = rep(c("control", "rmhtnf"), each = 20), orr = c(rep(1, 4), rep(0, 16), rep(1, 10), rep(0, 10)))
  a <- pt_analyze(d, response = "orr", null_rate = 0.2)
  expect_equal(a$arms[["1"]]$binom_test$p_two_sided, binom.test(10, 20, 0.2)$p.value, tolerance = 1e-9)
  expect_equal(a$fisher$p_two_sided, fisher.test(matrix(c(10, 10, 4, 16), 2, byrow = TRUE))$p.value, tolerance = 1e-9)
  expect_equal(a$chi_square_corrected$chisq, unname(suppressWarnings(prop.test(c(10, 4), c(20, 20))$statistic)), tolerance = 1e-9)
})
