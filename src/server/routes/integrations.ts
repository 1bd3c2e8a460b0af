// Background work of the integrations, started with the HTTP server and stopped with it: the
// credentialed scan workers (Harbor, watches with logins), the notification poller and sender,
// and the watch scheduler. Intervals: BULWARK_NOTIFY_INTERVAL_MS (default 10 s) and
// BULWARK_WATCH_TICK_MS (default 30 s).
import type { RoutePlugin } from "../app.js";
import type { ServerContext } from "../context.js";
import { overview } from "../integrations/dashboard.js";
import { startCredentialedWorkers } from "../integrations/harbor.js";
import { pollNewFindings, sendDue } from "../integrations/notify.js";
import { runDueWatches } from "../integrations/watches.js";

function every(ms: number, what: string, ctx: ServerContext, task: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return; // one at a time
    running = task()
      .catch((e: unknown) => ctx.log.warn(`${what}: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => (running = undefined));
  }, ms);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

const ms = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v >= 50 ? v : fallback;
};

export const integrationJobs: RoutePlugin = (app, ctx) => {
  const stops: (() => Promise<void>)[] = [];
  app.addHook("onReady", async () => {
    await startCredentialedWorkers(ctx);
    stops.push(
      every(ms("BULWARK_NOTIFY_INTERVAL_MS", 10_000), "notifications", ctx, async () => {
        await pollNewFindings(ctx);
        // Drain what is due (a batch of 20 per call).
        while ((await sendDue(ctx)).length === 20);
      }),
    );
    stops.push(every(ms("BULWARK_WATCH_TICK_MS", 30_000), "watches", ctx, () => runDueWatches(ctx)));
    // The dashboard's overview, computed ahead of the first visit.
    void overview(ctx).catch((e: unknown) => ctx.log.warn(`dashboard overview: ${e instanceof Error ? e.message : String(e)}`));
  });
  app.addHook("onClose", async () => {
    await Promise.all(stops.map((s) => s()));
  });
};
