// The module list Go embeds in binaries (what `go version -m` prints): tab-separated lines
//   path <import path of main>     mod <path> <version> [<sum>]     dep <path> <version> [<sum>]
//   => <path> <version> [<sum>]   (replaces the mod/dep line just above)     build <key>=<value>
export interface Module {
  path: string;
  version: string;
  sum?: string;
  replace?: Module;
}

export interface ModInfo {
  path?: string;
  main?: Module;
  deps: Module[];
  settings: [string, string][];
}

const MAX_LINES = 100_000;

export function parseModInfo(text: string): ModInfo {
  const info: ModInfo = { deps: [], settings: [] };
  let last: Module | undefined;
  const lines = text.split("\n");
  for (const line of lines.slice(0, MAX_LINES)) {
    const f = line.split("\t");
    const mod = (): Module | undefined => (f[1] ? { path: f[1], version: f[2] ?? "", ...(f[3] ? { sum: f[3] } : {}) } : undefined);
    switch (f[0]) {
      case "path":
        info.path = f[1];
        last = undefined;
        break;
      case "mod":
        last = info.main = mod();
        break;
      case "dep":
        last = mod();
        if (last) info.deps.push(last);
        break;
      case "=>":
        if (last) last.replace = mod();
        last = undefined;
        break;
      case "build": {
        const kv = line.slice("build\t".length);
        const eq = keyEnd(kv);
        if (eq > 0) info.settings.push([unquote(kv.slice(0, eq)), unquote(kv.slice(eq + 1))]);
        break;
      }
    }
  }
  return info;
}

/** Index of the `=` ending the key; a key with special characters is a Go quoted string. */
function keyEnd(kv: string): number {
  if (!kv.startsWith('"')) return kv.indexOf("=");
  for (let i = 1; i < kv.length; i++) {
    if (kv[i] === "\\") i++;
    else if (kv[i] === '"') return kv[i + 1] === "=" ? i + 1 : -1;
  }
  return -1;
}

function unquote(s: string): string {
  if (s.length < 2 || !s.startsWith('"') || !s.endsWith('"')) return s;
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === "string" ? v : s;
  } catch {
    return s;
  }
}

/**
 * The toolchain version in the semver form Go module versions use: go1.22.3 → v1.22.3,
 * go1.21rc2 → v1.21.0-rc.2, go1.20 → v1.20.0 (a release's first patch). Suffixes such as
 * ` X:boringcrypto` are dropped; anything else (devel builds) is returned unchanged.
 */
export function toolchainSemver(goVersion: string): string {
  const v = goVersion.trim().split(/\s/)[0] ?? "";
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?$/.exec(v);
  if (!m) return v;
  const [, major, minor, patch, pre, preN] = m;
  return `v${major}.${minor}.${patch ?? "0"}${pre ? `-${pre}.${preN}` : ""}`;
}
