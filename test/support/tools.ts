// Optional system tools for tests. A test that needs one skips with one line naming the tool and
// how to get it; `.ci/run` installs every tool and fails when any such line appears in its log.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";

/** The marker `.ci/run` looks for in the test log. Keep the wording: CI greps for it. */
export const MISSING_TOOL_MARK = "skipped for a missing tool";

/**
 * Debian package that provides each tool (what `.ci/run` installs). Besides programs on PATH, a
 * requirement may be an absolute path (a file a Debian package installs, such as a jar) or a
 * module of an interpreter (see TOOL_PROBES).
 */
export const TOOL_PACKAGES: Record<string, string> = {
  "docker-registry": "docker-registry",
  htpasswd: "apache2-utils",
  setpriv: "util-linux",
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
  runc: "runc",
  podman: "podman",
  "/bin/busybox": "busybox-static",
  readelf: "binutils",
  skopeo: "skopeo",
  etcd: "etcd-server",
  bpftrace: "bpftrace",
  chromium: "chromium",
  cargo: "cargo",
  java: "default-jdk-headless",
  jar: "default-jdk-headless",
  perl: "perl",
  python3: "python3",
  ruby: "ruby",
  gem: "ruby",
  tar: "tar",
  bash: "bash",
  xargs: "findutils",
  script: "bsdutils",
  "/var/lib/dpkg/status": "dpkg",
  "/usr/lib/python3/dist-packages": "python3",
  "/usr/share/java/commons-lang3.jar": "libcommons-lang3-java",
  "/usr/share/java/maven3-core.jar": "libmaven3-core-java",
  "/usr/share/java/maven3-slf4j-provider.jar": "libmaven3-core-java",
  "/usr/share/java/wagon-http-shaded-3.5.3.jar": "libwagon-http-shaded-java",
  "/usr/share/maven/lib/maven-artifact-3.x.jar": "maven",
  "/usr/lib/postgresql/15/bin/initdb": "postgresql",
};

/** Requirements that are modules of an interpreter: checked by running it, named by `label`. */
export const TOOL_PROBES: Record<string, { program: string; args: string[]; label: string; pkg: string }> = {
  "perl:Dpkg::Version": { program: "perl", args: ["-MDpkg::Version", "-e", "1"], label: "perl's Dpkg::Version module", pkg: "libdpkg-perl" },
  "python3:packaging": { program: "python3", args: ["-c", "import packaging.version"], label: "python3's packaging module", pkg: "python3-packaging" },
  "python3:tomllib": { program: "python3", args: ["-c", "import tomllib"], label: "python3's tomllib (Python 3.11 or later)", pkg: "python3" },
  "python3:importlib.metadata": { program: "python3", args: ["-c", "import importlib.metadata"], label: "python3's importlib.metadata (Python 3.8 or later)", pkg: "python3" },
  "rpm:lua": { program: "rpm", args: ["--eval", "%{lua: print(rpm.vercmp('1', '2'))}"], label: "rpm's embedded Lua (rpm.vercmp)", pkg: "rpm" },
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

/** Like findOnPath, for a tool a test has already checked with missingTool. */
export function toolPath(program: string): string {
  const path = findOnPath(program);
  if (!path) throw new Error(`${program} is not on PATH: the test should have skipped (missingTool)`);
  return path;
}

const runs = (program: string, args: string[]): boolean => spawnSync(program, args, { stdio: "ignore", timeout: 20_000 }).status === 0;

/** Why one requirement is not met, or undefined when it is. */
function unmet(tool: string, probe?: Record<string, string[]>): string | undefined {
  const hint = (pkg: string | undefined): string => (pkg ? ` (apt-get install ${pkg})` : "");
  if (tool.startsWith("/")) return existsSync(tool) ? undefined : `${tool} is missing${hint(TOOL_PACKAGES[tool])}`;
  const module = TOOL_PROBES[tool];
  if (module) {
    const path = findOnPath(module.program);
    if (!path) return `${module.program} is not on PATH${hint(TOOL_PACKAGES[module.program])}`;
    return runs(path, module.args) ? undefined : `${module.label} is missing${hint(module.pkg)}`;
  }
  const path = findOnPath(tool);
  if (!path) return `${tool} is not on PATH${hint(TOOL_PACKAGES[tool])}`;
  if (probe?.[tool] && !runs(path, probe[tool]!)) return `${tool} does not work${hint(TOOL_PACKAGES[tool])}`;
  return undefined;
}

const announced = new Set<string>();

function announce(what: string, line: string): void {
  if (announced.has(what)) return;
  announced.add(what);
  console.warn(line);
}

/**
 * Why tests needing `tools` must skip, or undefined when all are there. The first call for a
 * given `what` prints one line on stderr: `<what> skipped for a missing tool: <tool> (apt-get
 * install <pkg>)`. A tool is a program on PATH, an absolute path (a file a package installs)
 * or a key of TOOL_PROBES (an interpreter's module). `probe` optionally runs a program with
 * these arguments and requires exit 0.
 */
export function missingTool(what: string, tools: string | string[], probe?: Record<string, string[]>): string | undefined {
  for (const tool of Array.isArray(tools) ? tools : [tools]) {
    const reason = unmet(tool, probe);
    if (reason) {
      announce(what, `${what} ${MISSING_TOOL_MARK}: ${reason}`);
      return reason;
    }
  }
  return undefined;
}

/**
 * For what no package can provide (a property of this machine, such as a merged /usr or a
 * network address): why tests needing it must skip, or undefined when `present`. Prints one
 * line like missingTool, without its mark, since CI cannot install it.
 */
export function missingOnHost(what: string, present: boolean, why: string): string | undefined {
  if (present) return undefined;
  announce(what, `${what} skipped: ${why}`);
  return why;
}
