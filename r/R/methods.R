# print, summary and plot methods, laid out as rpact's summary() is.

fmt <- function(x, digits = 3) {
  if (is.null(x) || length(x) == 0L || is.na(x)) return("NA")
  formatC(x, digits = digits, format = "f")
}

line <- function(label, value) cat(sprintf("  %-34s: %s\n", label, value))

#' @export
print.peritrial_run <- function(x, ...) {
  r <- x$report
  cat("Simulation of ", r$scenario, "\n", sep = "")
  cat(r$replicates, " virtual trials, seed ", format(r$seed, scientific = FALSE), ", peritrial ",
      r$provenance$peritrial, "\n\n", sep = "")
  for (i in seq_len(nrow(x$endpoints))) {
    e <- x$endpoints[i, , drop = FALSE]
    cat("Endpoint ", e$endpoint, " (", gsub("_", " ", e$kind), if (!is.na(e$test)) paste0(", ", e$test), ")\n", sep = "")
    if (!is.na(e$power)) {
      line("Power", sprintf("%s [%s, %s] (MCSE %s)", fmt(e$power), fmt(e$power_ci_lower), fmt(e$power_ci_upper),
                            fmt(e$power_mcse, 4)))
    }
    # The companion the table shows: the group-sequential one for a design with looks (none
    # for an adaptive design), Schoenfeld's for a fixed one, the exact or normal one for rates.
    col <- function(k) { v <- e[[k]]; if (is.null(v) || length(v) == 0L || is.na(v)) NULL else v }
    n_looks <- if (nrow(x$looks) > 0L) sum(x$looks$endpoint == e$endpoint) else 0L
    if (!is.null(col("analytic_group_sequential_power"))) {
      line("Analytic power (group-sequential)", fmt(col("analytic_group_sequential_power")))
    } else if (!is.null(col("analytic_schoenfeld_power")) && n_looks <= 1L) {
      line("Analytic power (Schoenfeld)", fmt(col("analytic_schoenfeld_power")))
    } else if (!is.null(col("analytic_power"))) {
      rule <- if (!is.null(col("analytic_critical_responses"))) {
        sprintf(", reject with %d or more responses", as.integer(col("analytic_critical_responses")))
      } else ""
      line(sprintf("Analytic power (%s%s)", gsub("_", " ", col("analytic_method")), rule), fmt(col("analytic_power")))
    }
    if (!is.null(col("type_one_error"))) {
      line("Type I error [95%] (level: verdict)",
           sprintf("%s [%s, %s] (%s: %s)", fmt(col("type_one_error"), 4), fmt(col("type_one_error_ci_lower"), 4),
                   fmt(col("type_one_error_ci_upper"), 4), format(col("type_one_error_level")), col("type_one_error_verdict")))
    }
    if (!is.null(e$estimate_q500) && !is.na(e$estimate_q500)) {
      line(paste0(gsub("_", " ", e$estimate_name), ", median [95%]"),
           sprintf("%s [%s, %s]", fmt(e$estimate_q500), fmt(e$estimate_q025), fmt(e$estimate_q975)))
    }
    if (!is.null(e$events_mean) && !is.na(e$events_mean)) line("Events, mean", fmt(e$events_mean, 1))
    cat("\n")
  }
  cm <- r$analysis$cut_month
  if (!is.null(cm$mean)) line("Analysis month, mean [95%]", sprintf("%s [%s, %s]", fmt(cm$mean, 1), fmt(cm$q025, 1), fmt(cm$q975, 1)))
  for (w in x$warnings) cat("Warning: ", w, "\n", sep = "")
  invisible(x)
}

#' @export
summary.peritrial_run <- function(object, ...) structure(object, class = c("summary.peritrial_run", class(object)))

#' @export
print.summary.peritrial_run <- function(x, ...) {
  print.peritrial_run(x)
  if (nrow(x$looks) > 0L) {
    cat("\nStage results\n")
    cols <- intersect(c("endpoint", "look", "information", "reached", "events", "cut_month", "patients",
                        "stop_probability", "rejections", "futility_stops", "cumulative_power"), names(x$looks))
    print(x$looks[, cols, drop = FALSE], row.names = FALSE, digits = 4)
    # Both bounds, on the z, hazard-ratio and nominal p-value scales, as rpact's design summary.
    cat("\nBoundaries (efficacy and futility; means over the trials reaching the look)\n")
    cols <- intersect(c("endpoint", "look", "boundary_z", "boundary_hazard_ratio", "boundary_p", "alpha_spent",
                        "futility_z", "futility_hazard_ratio", "futility_p"), names(x$looks))
    print(x$looks[, cols, drop = FALSE], row.names = FALSE, digits = 4)
  }
  if (!is.null(x$stopping)) {
    cat("\nInference at stopping (stage-wise ordering) beside the naive estimate at the stopping look\n")
    print(x$stopping, row.names = FALSE, digits = 4)
    if (!is.na(x$repeated_coverage)) cat("Repeated intervals, all looks to the stop, coverage:", format(x$repeated_coverage, digits = 4), "\n")
  }
  if (!is.null(x$null_expected)) {
    cat("\nUnder H0 beside H1 (expected at the analysis where each trial stops)\n")
    print(x$null_expected, row.names = FALSE, digits = 4)
  }
  if (!is.null(x$null_looks) && nrow(x$null_looks) > 0L) {
    cat("\nStage results under H0\n")
    cols <- intersect(c("look", "reached", "events", "cut_month", "patients", "stop_probability", "rejections",
                        "futility_stops", "cumulative_power"), names(x$null_looks))
    print(x$null_looks[, cols, drop = FALSE], row.names = FALSE, digits = 4)
  }
  if (nrow(x$milestones) > 0L) {
    cat("\nMilestones (mean and 95% range across trials)\n")
    print(x$milestones, row.names = FALSE, digits = 4)
  }
  invisible(x)
}

#' @export
plot.peritrial_run <- function(x, endpoint = NULL, ...) {
  eps <- x$report$endpoints
  tte <- names(eps)[vapply(eps, function(e) !is.null(e$curves), TRUE)]
  if (length(tte) == 0L) stop("no time-to-event endpoint has curves to draw", call. = FALSE)
  if (is.null(endpoint)) endpoint <- tte[1]
  cv <- eps[[endpoint]]$curves
  if (is.null(cv)) stop("endpoint ", endpoint, " has no curves", call. = FALSE)
  months <- unlist(cv$months)
  num <- function(v) vapply(v, function(e) if (is.null(e)) NA_real_ else e, 0)
  ylab <- if (identical(cv$measure, "survival")) "Survival" else "Cumulative incidence"
  plot(range(months), c(0, 1), type = "n", xlab = "Months", ylab = ylab,
       main = paste0(endpoint, ": median and 95% band across trials"), ...)
  colours <- c("#1b6ca8", "#c0392b", "#27ae60", "#8e44ad")
  arms <- names(cv$arms)
  for (k in seq_along(arms)) {
    a <- cv$arms[[arms[k]]]
    lo <- num(a$q025); hi <- num(a$q975); med <- num(a$q500)
    ok <- !is.na(lo) & !is.na(hi)
    polygon(c(months[ok], rev(months[ok])), c(lo[ok], rev(hi[ok])), col = adjustcolor(colours[k], 0.2), border = NA)
    lines(months, med, col = colours[k], lwd = 2, type = "s")
  }
  legend("topright", legend = arms, col = colours[seq_along(arms)], lwd = 2, bty = "n")
  invisible(x)
}

#' @export
print.peritrial_sweep <- function(x, ...) {
  cat("Sweep over ", paste(x$paths, collapse = " and "), ": ", length(x$report$points), " grid points\n\n", sep = "")
  print(x$points, row.names = FALSE, digits = 4)
  invisible(x)
}

#' @export
plot.peritrial_sweep <- function(x, endpoint = NULL, target = NULL, ...) {
  p <- x$points
  if (is.null(endpoint)) endpoint <- p$endpoint[1]
  p <- p[p$endpoint == endpoint, , drop = FALSE]
  v <- p[[x$paths[1]]]
  if (!is.numeric(v)) stop("the first varied value is not numeric", call. = FALSE)
  o <- order(v)
  plot(v[o], p$power[o], type = "b", ylim = c(0, 1), pch = 19, xlab = x$paths[1], ylab = "Power",
       main = paste0(endpoint, ": power with 95% intervals"), ...)
  arrows(v[o], p$power_ci_lower[o], v[o], p$power_ci_upper[o], angle = 90, code = 3, length = 0.03)
  if (!is.null(target)) abline(h = target, lty = 2)
  invisible(x)
}

#' @export
print.peritrial_size <- function(x, ...) {
  cat("Sample size search on ", x$parameter, " for endpoint ", x$report$endpoint, "\n", sep = "")
  line("Target power", fmt(x$report$target_power))
  line("Answer", format(x$value))
  line("Power there", sprintf("%s (MCSE %s)", fmt(x$power), fmt(x$power_mcse, 4)))
  if (length(x$interval) == 2L) line("95% interval of the answer", sprintf("%s to %s", fmt(x$interval[1], 1), fmt(x$interval[2], 1)))
  invisible(x)
}
