import type { Vulnerability } from "../../model/index.js";

/** A finding as the matcher writes it, with the fields the suppression tests change. */
export function finding(id: string, purl: string, extra: Partial<Vulnerability> = {}): Vulnerability {
  const at = purl.lastIndexOf("@");
  const head = purl.slice(0, at < 0 ? undefined : at).split("?")[0] as string;
  const name = decodeURIComponent(head.split("/").at(-1) as string);
  const version = at < 0 ? "" : (purl.slice(at + 1).split("?")[0] as string);
  const type = head.slice(4).split("/")[0] as string;
  return {
    id,
    aliases: [],
    package: { type, name, version, purl },
    installedVersion: version,
    fixedVersions: [],
    status: "affected",
    severity: "HIGH",
    cvss: [],
    references: [],
    source: { id, ecosystem: "Debian:12" },
    ...extra,
  };
}
