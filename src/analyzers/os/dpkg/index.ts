// Debian packages: var/lib/dpkg/status, distroless status.d files and info/*.list owners.
import type { Analyzer, AnalyzerFile, FileAnalysis } from "../../types.js";
import { copyrightOwner, parseCopyright } from "./copyright.js";
import { finalizeDpkg } from "./finalize.js";
import { ownerFromListPath, parseList } from "./list.js";
import { parseStatus } from "./status.js";

const STATUS = "var/lib/dpkg/status";
const STATUS_D = "var/lib/dpkg/status.d/";
const INFO = "var/lib/dpkg/info/";

// status.d holds one control file per package plus its md5sums; other control-file companions
// are skipped too, so a stray maintainer script is not parsed as a stanza.
const NOT_STATUS = /\.(md5sums|conffiles|list|preinst|postinst|prerm|postrm|triggers|shlibs|symbols|templates)$/;

function directChild(path: string, dir: string): string | null {
  if (!path.startsWith(dir)) return null;
  const rest = path.slice(dir.length);
  return rest !== "" && !rest.includes("/") ? rest : null;
}

function isStatusD(path: string): boolean {
  const name = directChild(path, STATUS_D);
  return name !== null && !NOT_STATUS.test(name);
}

function isInfoList(path: string): boolean {
  const name = directChild(path, INFO);
  return name !== null && name.length > ".list".length && name.endsWith(".list");
}

export const dpkgAnalyzer: Analyzer = {
  id: "os/dpkg",
  evidence: "installed",
  version: 2,
  maxFileSize: 64 * 1024 * 1024,
  required: (path) => path === STATUS || isStatusD(path) || isInfoList(path) || copyrightOwner(path) !== null,
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const text = file.content.toString("utf8");
    const owner = copyrightOwner(file.path);
    if (owner !== null) {
      const licenses = parseCopyright(text);
      return licenses.length ? { licenses: [{ package: owner, licenses }] } : null;
    }
    if (isInfoList(file.path)) {
      return { owners: [{ package: ownerFromListPath(file.path), files: parseList(text) }] };
    }
    const { packages, errors } = parseStatus(text, file.path);
    return errors.length > 0 ? { packages, errors } : { packages };
  },
  finalize: finalizeDpkg,
};
