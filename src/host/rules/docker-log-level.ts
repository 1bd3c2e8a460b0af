// CIS Docker 2.3: the daemon logs at level info (debug logs too much, warn and above too little).
import type { HostRule } from "../types.js";
import { dockerAbsent, DOCKER_BENCH, settingHit } from "./helpers.js";

export const dockerLogLevel: HostRule = {
  id: "BW-HOST-020",
  title: "Docker daemon log level is not info",
  severity: "LOW",
  remediation: 'Remove "log-level" from daemon.json (and -l/--log-level flags), or set it to "info"',
  references: { cis: "CIS Docker 2.3", urls: [DOCKER_BENCH] },
  check(ctx) {
    const na = dockerAbsent(ctx);
    if (na) return na;
    const s = ctx.docker.setting("log-level");
    if (s && String(s.value) !== "info") return [settingHit(s, `log level ${JSON.stringify(s.value)}: ${String(s.value) === "debug" ? "debug logs can carry request details" : "events needed for an investigation are not logged"}`)];
    const d = ctx.docker.setting("debug");
    return d && String(d.value) === "true" ? [settingHit(d, "debug mode logs at debug level")] : [];
  },
};
