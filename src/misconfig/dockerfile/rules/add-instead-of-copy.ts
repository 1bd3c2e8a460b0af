import type { Rule, RuleHit } from "../../types.js";
import type { DfInstruction, DockerfileDoc } from "../doc.js";
import { parseJsonArray } from "../doc.js";
import { at } from "./util.js";

/** Source and destination of a COPY/ADD, from the JSON or the plain form; null for heredocs. */
export function copyPaths(instr: DfInstruction): { sources: string[]; dest: string } | null {
  if (instr.args.includes("<<")) return null;
  const body = instr.args.replace(/^(?:--\S+\s+)*/, "");
  const json = body.startsWith("[") ? parseJsonArray(body) : null;
  const words = json ?? instr.words.filter((w) => !w.startsWith("--")).map(unquote);
  if (words.length < 2) return null;
  return { sources: words.slice(0, -1), dest: words[words.length - 1]! };
}

const unquote = (w: string): string => (w.length >= 2 && (w[0] === '"' || w[0] === "'") && w.endsWith(w[0]) ? w.slice(1, -1) : w);

export const isRemote = (src: string): boolean => /^(?:https?|git|ssh):\/\//i.test(src) || /^git@/.test(src);
/**
 * Local files ADD unpacks, by name: Hadolint's list (`archiveFileFormatExtensions`), compared as it
 * does, case-sensitively on the end of the path (.tar, .tar.gz, .tgz, .tar.bz2, .tar.xz, .Z, .lzma...).
 */
export const ARCHIVE_EXTENSIONS = [".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz", ".tpz", ".txz", ".xz"];
export const isArchive = (src: string): boolean => ARCHIVE_EXTENSIONS.some((ext) => src.endsWith(ext));

export const addInsteadOfCopy: Rule<DockerfileDoc> = {
  id: "BW-DS-004",
  title: "ADD used for local files instead of COPY",
  severity: "LOW",
  remediation: "Use COPY for local files and folders; ADD's extra behaviour (archive extraction, URLs) should only be used on purpose.",
  references: { avd: "DS005", hadolint: "DL3020", cis: "CIS Docker 4.9" },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const i of doc.instructions) {
      if (i.keyword !== "ADD") continue;
      const p = copyPaths(i);
      if (!p) continue;
      const local = p.sources.filter((s) => !isRemote(s) && !isArchive(s));
      if (local.length > 0) hits.push(at(i, `ADD copies local ${local.join(", ")}; use COPY`));
    }
    return hits;
  },
  examples: {
    good: [
      "FROM alpine:3.20\nADD rootfs.tar.gz /\nCOPY app.jar /app/app.jar",
      'FROM alpine:3.13\nUSER mike\nADD "/target/resources.tar.gz" "resources"',
      "FROM alpine:3.20\nADD a.tgz b.tar.bz2 c.tar.xz d.tar e.txz /opt/",
    ],
    bad: [
      "FROM alpine:3.20\nUSER mike\nADD \"/target/app.jar\" \"app.jar\"",
      "FROM alpine:3.20\nADD --chown=1000 [\"src\", \"/app/\"]",
      "FROM alpine:3.20\nADD site.zip /srv/",
    ],
  },
};
