// CIS Docker 2.13: container logs go to a central, remote logging service.
import type { HostRule } from "../types.js";
import { dockerAbsent, dockerDefaultHit, DOCKER_BENCH, settingHit } from "./helpers.js";

/** Drivers that ship logs off the container's own host files. */
export const REMOTE_DRIVERS = new Set(["syslog", "journald", "gelf", "fluentd", "awslogs", "splunk", "etwlogs", "gcplogs", "logentries"]);

export const dockerLogDriver: HostRule = {
  id: "BW-HOST-015",
  title: "Container logs are kept only on the host",
  severity: "LOW",
  remediation: 'Set "log-driver" in daemon.json to a central driver (syslog, journald, gelf, fluentd, splunk, awslogs, gcplogs) with its "log-opts"',
  references: { cis: "CIS Docker 2.13", urls: [DOCKER_BENCH] },
  check(ctx) {
    const na = dockerAbsent(ctx);
    if (na) return na;
    const s = ctx.docker.setting("log-driver");
    if (!s) return [dockerDefaultHit(ctx, "log-driver", "log-driver is not set: json-file keeps logs on the host, where a compromised host can erase them")];
    return REMOTE_DRIVERS.has(String(s.value)) ? [] : [settingHit(s, `log-driver ${JSON.stringify(s.value)} keeps container logs on the host only`)];
  },
};
