// Progress on stderr, only when stderr is a terminal and not --quiet.
import type { ProgressEvent } from "../index.js";

export function progressReporter(enabled: boolean): ((e: ProgressEvent) => void) | undefined {
  if (!enabled) return undefined;
  let started = 0;
  let done = 0;
  let cached = 0;
  const draw = (msg: string): void => {
    process.stderr.write(`\r\x1b[2K${msg}`);
  };
  process.once("exit", () => process.stderr.write("\r\x1b[2K"));
  return (e) => {
    switch (e.kind) {
      case "resolve":
        draw(e.message);
        break;
      case "layer-start":
        started++;
        draw(`analysing layers: ${done} done, ${started - done} running`);
        break;
      case "layer-bytes":
        break;
      case "layer-done":
        done++;
        if (e.cached) cached++;
        draw(`analysing layers: ${done} done (${cached} cached), ${Math.max(0, started - (done - cached))} running`);
        break;
    }
  };
}
