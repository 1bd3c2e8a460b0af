// The rule contract for secret detection: each rule is data (keywords + regex + allow-lists).
import type { RuleSeverity } from "../model/index.js";

/** What a rule's `confirm` hook may look at around the matching line. */
export interface LineContext {
  /** The lines after the matching one, read lazily (at most `n`). */
  following(n: number): string[];
  /** The whole file text ("" for image env/labels/history). */
  text: string;
  /** Offset of the line in `text` (-1 for image env/labels/history). */
  offset: number;
  /** The file's path as matched (no leading slash), or null for image env/labels/history. */
  path: string | null;
}

export interface SecretRule {
  /** Stable id, e.g. BW-SECRET-AWS-ACCESS-KEY. */
  id: string;
  title: string;
  severity: RuleSeverity;
  /**
   * Lowercase substrings: a line is tried only when it contains one. Most lines of a file
   * contain none, so the regexes run on a small fraction of the text.
   */
  keywords: string[];
  /** The named group `secret`, or else the whole match, is the secret to redact. */
  regex: RegExp;
  /** Minimum Shannon entropy (bits per character) of the secret, for loose patterns. */
  entropy?: number;
  /**
   * Generic rules also skip test words, placeholders, hashes and code references, and stay quiet
   * in documentation (comments, docstrings, doc files) of library trees (see ../context.ts).
   */
  generic?: boolean;
  /**
   * Secret values to ignore, e.g. `knownValues([...])` for keys that are public by design. The
   * span is then not reported by a later (looser) rule on the line either.
   */
  allow?: RegExp[];
  /** Lines to ignore. */
  allowLine?: RegExp[];
  /** Only files whose path matches (e.g. `.netrc`). */
  path?: RegExp;
  /** Only files whose text matches; tested once per file when a line first needs it. */
  fileContext?: RegExp;
  /**
   * Last check with the surrounding lines, e.g. that a PEM body follows its header. `start` is
   * the offset of the secret in `line`.
   */
  confirm?: (secret: string, line: string, ctx: LineContext, start: number) => boolean;
}
