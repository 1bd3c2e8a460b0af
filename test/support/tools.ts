// Optional system tools for tests. A test that needs one skips with one line naming the tool and
// how to get it; `.ci/run` installs every tool and fails when any such line appears in its log.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** The marker `.ci/run` looks for in the test log. Keep the wording: CI greps for it. */
export const MISSING_TOOL_MARK = "skipped for a missing tool";

/** Debian package that provides each tool (what `.ci/run` installs). */
export const TOOL_PACKAGES: Record<string, string> = {
  "docker-registry": "docker-registry",
  htpasswd: "apache2-utils",
  rpm: "rpm",
  rpmdb: "rpm",
  go: "golang-go",
  tinyproxy: "tinyproxy",
  zstd: "zstd",
  openssl: "openssl",
  "dpkg-query": "dpkg",
  dpkg: "dpkg",
  "dpkg-deb": "dpkg",
  "apt-get": "apt",
  umoci: "umoci",
  skopeo: "skopeo",
  etcd: "etcd-server",
  bpftrace: "bpftrace",
  chromium: "chromium",
  cargo: "cargo",
  java: "default-jdk-headless",
  jar: "default-jdk-headless",
  perl: "perl",
  python3: "python3",
  tar: "tar",
};

/** Absolute path of an executable on PATH, or undefined. */
export function findOnPath(program: string): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, program);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

const announced = new Set<string>();

/**
 * Why tests needing `tools` must skip, or undefined when all are there. The first call for a
 * given `what` prints one line on stderr: `<what> skipped for a missing tool: <tool> (apt-get
 * install <pkg>)`. `probe` optionally runs the tool with these arguments and requires exit 0.
 */
export function missingTool(what: string, tools: string | string[], probe?: Record<string, string[]>): string | undefined {
  for (const tool of Array.isArray(tools) ? tools : [tools]) {
    const path = findOnPath(tool);
    let ok = path !== undefined;
    if (ok && probe?.[tool]) ok = spawnSync(path!, probe[tool]!, { stdio: "ignore", timeout: 20_000 }).status === 0;
    if (!ok) {
      const pkg = TOOL_PACKAGES[tool];
      const reason = `${tool}${path ? " does not work" : " is not on PATH"}${pkg ? ` (apt-get install ${pkg})` : ""}`;
      if (!announced.has(what)) {
        announced.add(what);
        console.warn(`${what} ${MISSING_TOOL_MARK}: ${reason}`);
      }
      return reason;
    }
  }
  return undefined;
}
