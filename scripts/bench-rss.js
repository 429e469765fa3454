// Preloaded into every node process of a benchmarked command (NODE_OPTIONS=--require):
// records the process's peak resident set size (KiB) at exit.
"use strict";
if (process.env.BENCH_RSS_DIR) {
  process.on("exit", () => {
    try {
      require("fs").writeFileSync(
        require("path").join(process.env.BENCH_RSS_DIR, `${process.pid}`),
        String(process.resourceUsage().maxRSS),
      );
    } catch {
      // the directory may be gone when a child outlives the benchmark
    }
  });
}
