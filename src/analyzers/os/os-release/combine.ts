// Choosing one OS answer from all the release files left in the final image.
import type { OSInfo } from "../../../model/index.js";
import { debianCodename, eolInfo } from "./eol.js";
import { OS_RELEASE_PATHS, RELEASE_FILE_PATHS } from "./release-files.js";

export interface FoundOS {
  path: string;
  os: OSInfo;
}

/**
 * os-release (etc/ over usr/lib/) names the distribution. A specific release file of the same
 * family may then refine the version when it writes a longer form of it (CentOS `7` →
 * `7.9.2009`) or fill a version or codename os-release lacks. Without os-release, the most
 * telling specific file stands alone. `eol` comes from the dated table in eol.ts.
 */
export function combineOS(found: FoundOS[], now: Date = new Date()): OSInfo | null {
  const byPath = new Map(found.map((f) => [f.path, f.os]));
  const base = OS_RELEASE_PATHS.map((p) => byPath.get(p)).find((os) => os !== undefined);
  const specifics = RELEASE_FILE_PATHS.map((p) => byPath.get(p)).filter((os): os is OSInfo => os !== undefined);

  let result: OSInfo;
  if (base) {
    result = { ...base };
    for (const s of specifics) {
      if (s.family !== result.family) continue;
      if (!result.version || s.version.startsWith(`${result.version}.`)) result.version = s.version;
      if (!result.codename && s.codename) result.codename = s.codename;
    }
  } else {
    const first = specifics[0];
    if (!first) return null;
    result = { ...first };
  }

  if (result.family === "debian" && !result.codename) {
    const codename = debianCodename(result.version);
    if (codename) result.codename = codename;
  }
  const eol = eolInfo(result, now);
  if (eol) result.eol = eol;
  else delete result.eol;
  return result;
}
