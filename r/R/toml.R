# A named R list as TOML: scalars and vectors become values and arrays (a one-element array
# as I("x") or list("x")), named lists tables (nested with dotted headers), unnamed lists
# arrays (of arrays).

toml_string <- function(x) {
  x <- gsub("\\\\", "\\\\\\\\", x)
  x <- gsub("\"", "\\\\\"", x)
  x <- gsub("\n", "\\\\n", x)
  paste0("\"", x, "\"")
}

toml_scalar <- function(x) {
  if (is.logical(x)) return(if (x) "true" else "false")
  if (is.numeric(x)) {
    if (!is.finite(x)) stop("TOML has no value for ", x, call. = FALSE)
    if (is.integer(x) || (x == round(x) && abs(x) < 1e15)) return(format(x, scientific = FALSE))
    # The shortest text that reads back as the same double.
    for (d in 15:17) {
      s <- formatC(x, digits = d, format = "g")
      if (as.numeric(s) == x) return(trimws(s))
    }
    return(formatC(x, digits = 17, format = "g"))
  }
  toml_string(as.character(x))
}

toml_value <- function(x) {
  if (is.list(x) && !is.null(names(x)) && all(nzchar(names(x)))) {
    inner <- vapply(names(x), function(k) paste0(toml_key(k), " = ", toml_value(x[[k]])), "")
    return(paste0("{ ", paste(inner, collapse = ", "), " }"))
  }
  if (is.list(x)) return(paste0("[", paste(vapply(x, toml_value, ""), collapse = ", "), "]"))
  # A one-element vector is a value; I(x) makes it an array.
  if (length(x) == 1L && !inherits(x, "AsIs")) return(toml_scalar(x))
  paste0("[", paste(vapply(as.list(x), toml_scalar, ""), collapse = ", "), "]")
}

toml_key <- function(k) if (grepl("^[A-Za-z0-9_-]+$", k)) k else toml_string(k)

is_table <- function(x) is.list(x) && !is.null(names(x)) && length(x) > 0L && all(nzchar(names(x)))

#' @export
pt_toml <- function(scenario, prefix = character()) {
  if (!is_table(scenario)) stop("a scenario is a named list of tables", call. = FALSE)
  values <- names(scenario)[!vapply(scenario, is_table, TRUE)]
  tables <- names(scenario)[vapply(scenario, is_table, TRUE)]
  out <- character()
  if (length(prefix) && length(values)) out <- c(out, paste0("[", paste(vapply(prefix, toml_key, ""), collapse = "."), "]"))
  for (k in values) out <- c(out, paste0(toml_key(k), " = ", toml_value(scenario[[k]])))
  if (length(values)) out <- c(out, "")
  for (k in tables) out <- c(out, pt_toml(scenario[[k]], c(prefix, k)))
  out
}
