# Running scenarios: pt_run, pt_sweep, pt_size.

# A JSON value as an R scalar (NULL and lists become NA).
scalar <- function(x) if (is.null(x) || is.list(x) || length(x) != 1L) NA else x

# The scalar keys of a report object as one row: nested objects of scalars as
# `parent_key`, two-element arrays as `_lower` / `_upper`; deeper structures left out.
flatten <- function(x, prefix = "") {
  out <- list()
  for (k in names(x)) {
    v <- x[[k]]
    key <- paste0(prefix, k)
    if (is.null(v)) {
      out[[key]] <- NA
    } else if (is.list(v) && !is.null(names(v)) && prefix == "") {
      inner <- flatten(v, paste0(key, "_"))
      out <- c(out, inner)
    } else if (is.list(v) && is.null(names(v)) && length(v) == 2L && all(vapply(v, function(e) is.null(e) || (is.atomic(e) && length(e) == 1L), TRUE))) {
      out[[paste0(key, "_lower")]] <- scalar(v[[1]])
      out[[paste0(key, "_upper")]] <- scalar(v[[2]])
    } else if (is.atomic(v) && length(v) == 1L) {
      out[[key]] <- v
    }
  }
  out
}

# Rows (lists) with possibly different keys as one data frame, columns in first-seen order.
rows_to_df <- function(rows) {
  if (length(rows) == 0L) return(data.frame())
  keys <- unique(unlist(lapply(rows, names)))
  cols <- lapply(keys, function(k) {
    vals <- lapply(rows, function(r) if (is.null(r[[k]])) NA else r[[k]])
    unlist(vals)
  })
  names(cols) <- keys
  as.data.frame(cols, stringsAsFactors = FALSE, check.names = FALSE)
}

run_frames <- function(report) {
  eps <- report$endpoints
  endpoints <- rows_to_df(lapply(names(eps), function(n) c(list(endpoint = n), flatten(eps[[n]]))))
  looks <- rows_to_df(unlist(lapply(names(eps), function(n) {
    lapply(eps[[n]]$looks, function(l) c(list(endpoint = n), flatten(l[vapply(l, function(v) !is.list(v) || is.null(v), TRUE)])))
  }), recursive = FALSE))
  milestones <- rows_to_df(unlist(lapply(names(eps), function(n) {
    m <- eps[[n]]$milestones
    unlist(lapply(names(m), function(month) {
      lapply(names(m[[month]]), function(arm) {
        a <- m[[month]][[arm]]
        list(endpoint = n, month = as.numeric(month), arm = arm, mean = scalar(a$mean), q025 = scalar(a$q025),
             q975 = scalar(a$q975), not_estimable = scalar(a$not_estimable))
      })
    }), recursive = FALSE)
  }), recursive = FALSE))
  # With `null = TRUE`: each endpoint's type I error beside its power, as the table shows it.
  nl <- report$null$endpoints
  if (!is.null(nl) && nrow(endpoints) > 0L) {
    pick <- function(n, f) { t <- nl[[n]]; if (is.null(t)) NA else scalar(f(t)) }
    endpoints$type_one_error <- vapply(endpoints$endpoint, function(n) as.numeric(pick(n, function(t) t$type_one_error)), 0)
    endpoints$type_one_error_ci_lower <- vapply(endpoints$endpoint, function(n) as.numeric(pick(n, function(t) t$ci[[1]])), 0)
    endpoints$type_one_error_ci_upper <- vapply(endpoints$endpoint, function(n) as.numeric(pick(n, function(t) t$ci[[2]])), 0)
    endpoints$type_one_error_level <- vapply(endpoints$endpoint, function(n) as.numeric(pick(n, function(t) t$level)), 0)
    endpoints$type_one_error_verdict <- vapply(endpoints$endpoint, function(n) as.character(pick(n, function(t) t$verdict)), "")
  }
  out <- list(endpoints = endpoints, looks = looks, milestones = milestones)
  # A design with looks: the monitored endpoint's inference at stopping beside the naive
  # estimate at the stopping look, as the table shows them.
  for (n in names(eps)) {
    i <- eps[[n]]$inference_at_stopping
    if (is.null(i)) next
    num <- function(v) if (is.null(v)) NA_real_ else as.numeric(v)
    a <- i$accuracy
    est <- eps[[n]]$estimate
    out$stopping <- data.frame(
      endpoint = n,
      estimate = c("median_unbiased", "naive"),
      q500 = c(num(i$quantiles$q500), num(est$q500)),
      q025 = c(num(i$quantiles$q025), num(est$q025)),
      q975 = c(num(i$quantiles$q975), num(est$q975)),
      median_ratio_minus_1 = c(num(a$median_ratio_minus_1), num(a$naive_median_ratio_minus_1)),
      log_bias = c(num(a$log_bias), num(a$naive_log_bias)),
      coverage = c(num(a$coverage), num(a$naive_coverage)),
      coverage_mcse = c(num(a$coverage_mcse), num(a$naive_coverage_mcse)),
      confidence = c(num(i$confidence), 0.95),
      trials = c(num(i$trials), num(i$trials) + num(i$without)),
      stringsAsFactors = FALSE)
    if (!is.null(i$estimand)) {
      # A rate difference (or a single arm's rate): its accuracy on its own scale.
      out$stopping$median_ratio_minus_1 <- NULL
      out$stopping$log_bias <- NULL
      out$stopping$estimand <- i$estimand
      out$stopping$median_minus_true <- c(num(a$median_minus_true), num(a$naive_median_minus_true))
      out$stopping$bias <- c(num(a$bias), num(a$naive_bias))
    }
    out$repeated_coverage <- num(a$repeated_coverage)
  }
  # With `null = TRUE`: what the trials use and where they stop under H0, beside H1.
  n <- report$null
  if (!is.null(n)) {
    num <- function(v) if (is.null(v)) NA_real_ else as.numeric(v)
    h1_events <- NA_real_
    for (e in eps) if (!is.null(e$looks) && !is.null(e$events$mean)) { h1_events <- e$events$mean; break }
    out$null_expected <- data.frame(
      expected = c("events", "patients", "duration_months"),
      under_h0 = c(num(n$expected_events), num(n$expected_patients), num(n$expected_duration_months)),
      under_h1 = c(num(h1_events), num(report$analysis$expected_patients), num(report$analysis$expected_duration_months)))
    out$null_looks <- rows_to_df(lapply(n$looks, function(l) flatten(l[vapply(l, function(v) !is.list(v) || is.null(v), TRUE)])))
  }
  out
}

# A JSON report of peritrial, checked to be one before any number is read from it: the kind
# named (`run`, `sweep`, `size`), with the fields every such report has. Anything else (`{}`, a
# report of another kind, another program's JSON) is an error, never a frame of NAs.
parse_report <- function(json, kind, source = "peritrial's output") {
  report <- tryCatch(jsonlite::fromJSON(json, simplifyVector = FALSE),
                     error = function(e) stop(sprintf("%s is not JSON: %s", source, conditionMessage(e)), call. = FALSE))
  has <- function(x, keys) is.list(x) && !is.null(names(x)) && all(keys %in% names(x))
  ok <- switch(kind,
    run = has(report, c("endpoints", "provenance", "replicates", "seed")) && is.list(report$endpoints) &&
      length(report$endpoints) > 0L && is.character(report$provenance$peritrial),
    sweep = has(report, c("points", "seconds")) && is.list(report$points) &&
      all(vapply(report$points, function(p) has(p, c("set", "report")) && has(p$report, "endpoints"), TRUE)),
    size = has(report, c("parameter", "endpoint", "value", "power", "evaluations", "provenance")) &&
      is.character(report$provenance$peritrial),
    stop("unknown report kind ", kind, call. = FALSE))
  if (!isTRUE(ok)) stop(sprintf("%s is not a peritrial %s report", source, kind), call. = FALSE)
  report
}

new_run <- function(report, json) {
  frames <- run_frames(report)
  structure(c(frames, list(warnings = unlist(report$warnings), report = report, json = json)), class = "peritrial_run")
}

#' @export
pt_run <- function(scenario, set = list(), replicates = NULL, seed = NULL, threads = NULL, null = FALSE) {
  file <- scenario_file(scenario)
  args <- c("run", file, set_args(set), study_args(replicates, seed, threads), "--format", "json", "--quiet",
            if (isTRUE(null)) "--null")
  json <- pt_call(args)
  new_run(parse_report(json, "run"), json)
}

# A run report written by `peritrial run --format json --out FILE`, read as `pt_run` returns it.
#' @export
pt_read <- function(file) {
  json <- paste(readLines(file, warn = FALSE), collapse = "\n")
  new_run(parse_report(json, "run", source = file), json)
}

# `--vary PATH=V1,V2` arguments from a named list of vectors.
vary_args <- function(vary) {
  if (length(vary) == 0L || is.null(names(vary))) stop("vary = list(PATH = values) needs names", call. = FALSE)
  unlist(lapply(names(vary), function(p) {
    c("--vary", paste0(p, "=", paste(vapply(as.list(vary[[p]]), toml_value, ""), collapse = ",")))
  }))
}

#' @export
pt_sweep <- function(scenario, vary, set = list(), replicates = NULL, seed = NULL, threads = NULL) {
  file <- scenario_file(scenario)
  json <- pt_call(c("sweep", file, vary_args(vary), set_args(set), study_args(replicates, seed, threads),
                    "--format", "json", "--quiet"))
  report <- parse_report(json, "sweep")
  rows <- unlist(lapply(report$points, function(p) {
    eps <- p$report$endpoints
    lapply(names(eps), function(n) {
      e <- eps[[n]]
      values <- lapply(p$set, function(v) suppressWarnings(if (is.na(as.numeric(v))) v else as.numeric(v)))
      c(values, list(endpoint = n, power = scalar(e$power), power_mcse = scalar(e$power_mcse),
                     power_ci_lower = scalar(e$power_ci[[1]]), power_ci_upper = scalar(e$power_ci[[2]]),
                     rejections = scalar(e$rejections)))
    })
  }), recursive = FALSE)
  structure(list(points = rows_to_df(rows), paths = names(vary), report = report, json = json), class = "peritrial_sweep")
}

#' @export
pt_size <- function(scenario, endpoint, target_power, vary = NULL, set = list(), replicates = NULL, seed = NULL,
                    threads = NULL) {
  file <- scenario_file(scenario)
  json <- pt_call(c("size", file, "--endpoint", endpoint, "--target-power", format(target_power, digits = 17),
                    if (!is.null(vary)) c("--vary", vary), set_args(set), study_args(replicates, seed, threads),
                    "--format", "json", "--quiet"))
  report <- parse_report(json, "size")
  evaluations <- rows_to_df(lapply(report$evaluations, flatten))
  structure(list(value = scalar(report$value), power = scalar(report$power), power_mcse = scalar(report$power_mcse),
                 interval = unlist(report$interval_95), parameter = report$parameter, evaluations = evaluations,
                 report = report, json = json), class = "peritrial_size")
}
