# Peer of `npm run bench -- m4`: R's forecast package (ets, auto.arima, thetaf with their defaults) on the M4
# series that bench/m4.ts names. Usage:
#   Rscript m4_forecast.R TRAIN_CSV FREQUENCY HORIZON LIMIT CORES METHOD OUT_CSV [EVERY]
# TRAIN_CSV is an M4 train file (id, then the observations, ragged rows); FREQUENCY the ts() frequency the M4
# benchmarks used (24 hourly, 1 weekly); LIMIT the number of series from the top (0 = all); METHOD one of ets,
# arima, theta; EVERY (default 1) keeps every k-th of those series, the first included. Writes OUT_CSV with one row
# per series and band (mean, lo95, hi95) and prints the wall seconds as "wall,<method>,<seconds>". Progress goes
# to stderr.
suppressMessages(library(forecast))
suppressMessages(library(parallel))

args <- commandArgs(trailingOnly = TRUE)
train_csv <- args[1]
frequency <- as.numeric(args[2])
h <- as.integer(args[3])
limit <- as.integer(args[4])
cores <- as.integer(args[5])
methods <- strsplit(args[6], ",")[[1]]
out_csv <- args[7]
every <- if (length(args) >= 8) as.integer(args[8]) else 1L

train <- read.csv(train_csv, stringsAsFactors = FALSE)
if (limit > 0) train <- train[seq_len(min(limit, nrow(train))), ]
train <- train[seq(1, nrow(train), by = every), ]
ids <- train[[1]]
series <- lapply(seq_len(nrow(train)), function(i) {
  y <- as.numeric(train[i, -1])
  y[!is.na(y)]
})

fit_one <- function(method, y) {
  x <- ts(y, frequency = frequency)
  f <- switch(method,
    ets = forecast(ets(x), h = h, level = 95),
    arima = forecast(auto.arima(x), h = h, level = 95),
    theta = thetaf(x, h = h, level = 95)
  )
  list(mean = as.numeric(f$mean), lo = as.numeric(f$lower[, 1]), hi = as.numeric(f$upper[, 1]))
}

rows <- list()
for (method in methods) {
  started <- Sys.time()
  done <- 0
  results <- mclapply(seq_along(series), function(i) {
    t0 <- Sys.time()
    r <- tryCatch(fit_one(method, series[[i]]), error = function(e) list(error = conditionMessage(e)))
    r$seconds <- as.numeric(difftime(Sys.time(), t0, units = "secs"))
    if (i %% 20 == 0) message(sprintf("%s %s: %d/%d", basename(train_csv), method, i, length(series)))
    r
  }, mc.cores = cores, mc.preschedule = FALSE)
  wall <- as.numeric(difftime(Sys.time(), started, units = "secs"))
  cat(sprintf("wall,%s,%.3f\n", method, wall))
  for (i in seq_along(results)) {
    r <- results[[i]]
    if (!is.null(r$error)) {
      message(sprintf("%s %s failed: %s", ids[i], method, r$error))
      rows[[length(rows) + 1]] <- c(ids[i], method, "error", r$seconds, rep(NA, h))
      next
    }
    rows[[length(rows) + 1]] <- c(ids[i], method, "mean", r$seconds, r$mean)
    rows[[length(rows) + 1]] <- c(ids[i], method, "lo95", r$seconds, r$lo)
    rows[[length(rows) + 1]] <- c(ids[i], method, "hi95", r$seconds, r$hi)
  }
}
table <- do.call(rbind, rows)
colnames(table) <- c("id", "method", "band", "seconds", paste0("F", seq_len(h)))
write.csv(table, out_csv, row.names = FALSE)
cat(sprintf("versions,R %s,forecast %s\n", paste(R.version$major, R.version$minor, sep = "."), packageVersion("forecast")))
