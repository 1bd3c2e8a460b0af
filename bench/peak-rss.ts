// Preloaded into a CLI run by the benchmark (`node --import ./peak-rss.js dist/bulwark.mjs ...`):
// prints the process's peak RSS on its last line of standard error, so the CLI itself (with its
// own start-up, flags and writers) is measured, not only the library through measure.js.
process.on("exit", () => {
  process.stderr.write(`\nbench-peak-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
