// Where `db update` reads from: an osv.dev-style repository over HTTP(S), or the same layout in
// a local directory (plain path or file:// URL).
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../errors.js";
import { httpDownload, httpText, type HttpOptions } from "./http.js";

const MAX_ZIP_BYTES = 16 * 2 ** 30;

/** A repository. `eco` and `file` are plain names; the HTTP source percent-encodes them. */
export interface Source {
  label: string;
  where(eco: string, file: string): string;
  text(eco: string, file: string, maxBytes: number): Promise<string>;
  /** A local path to the zip; `tmp` is where to put it if it has to be downloaded. */
  zip(eco: string, file: string, tmp: string, onBytes: (n: number) => void): Promise<string>;
}

function httpSource(base: string, http: HttpOptions): Source {
  const root = base.replace(/\/+$/, "");
  const where = (eco: string, file: string): string => `${root}/${encodeURIComponent(eco)}/${encodeURIComponent(file)}`;
  return {
    label: root,
    where,
    text: (eco, file, max) => httpText(where(eco, file), max, http),
    zip: async (eco, file, tmp, onBytes) => {
      await httpDownload(where(eco, file), tmp, MAX_ZIP_BYTES, http, onBytes);
      return tmp;
    },
  };
}

function dirSource(dir: string): Source {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new UserError("NOT_FOUND", `advisory repository ${dir} is not a directory`);
  const where = (eco: string, file: string): string => join(dir, eco, file);
  const mustExist = (p: string): string => {
    if (!existsSync(p)) throw new UserError("NOT_FOUND", `${p} not found`);
    return p;
  };
  return {
    label: dir,
    where,
    text: async (eco, file, max) => {
      const p = mustExist(where(eco, file));
      if (statSync(p).size > max) throw new UserError("LIMIT", `${p} is over the ${max}-byte limit`);
      return readFileSync(p, "utf8");
    },
    zip: async (eco, file) => mustExist(where(eco, file)),
  };
}

export function sourceFor(repository: string, http: HttpOptions): Source {
  if (/^https?:\/\//i.test(repository)) return httpSource(repository, http);
  if (/^file:/i.test(repository)) return dirSource(resolve(fileURLToPath(repository)));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repository)) throw new UserError("USAGE", `unsupported advisory repository ${repository} (use https://, file:// or a directory)`);
  return dirSource(resolve(repository));
}
