// The scanning engine: a keyword pass over the whole text picks candidate lines, then only the
// rules whose keywords occur on a line run their regexes there.
import type { SecretFinding } from "../model/index.js";
import { allowedValue, entropy, GENERIC_LINE_ALLOW } from "./allow.js";
import { isLibraryDoc } from "./context.js";
import { KeywordIndex } from "./keywords.js";
import { normalizePath } from "./paths.js";
import { secretRules } from "./rules/index.js";
import type { LineContext, SecretRule } from "./types.js";

const MAX_MATCH = 200;
const MAX_FINDINGS_PER_FILE = 500;
const REDACTED = "*****";

interface Compiled {
  rule: SecretRule;
  regex: RegExp;
}

interface Hit {
  rule: SecretRule;
  start: number;
  end: number;
  secret: string;
}

const compiled: Compiled[] = secretRules.map((rule) => ({
  rule,
  // "d" gives group offsets, so the redaction replaces exactly the secret.
  regex: new RegExp(rule.regex.source, rule.regex.flags.replace(/[gyd]/g, "") + "gd"),
}));

// keyword -> indexes of the rules that list it, so a line only visits its own rules.
const RULES_BY_KEYWORD = new Map<string, number[]>();
compiled.forEach(({ rule }, i) => {
  for (const k of rule.keywords) RULES_BY_KEYWORD.set(k, [...(RULES_BY_KEYWORD.get(k) ?? []), i]);
});

// Built on first use (about 20 ms): most commands load this module without scanning for secrets.
// Its payloads are the rules' indexes, so a line's walk yields the rules to run directly.
let keywordIndex: KeywordIndex | undefined;
const keywords = (): KeywordIndex =>
  (keywordIndex ??= new KeywordIndex(secretRules.flatMap((r) => r.keywords)).withPayloads((k) => RULES_BY_KEYWORD.get(k) ?? []));

/** Scratch for `KeywordIndex.collect` (one scan runs at a time per thread; scanLine is synchronous). */
const seenRules = new Uint8Array(compiled.length);

/** Indexes of the rules to run on a line, in priority order. */
function rulesFor(line: string): number[] {
  const out: number[] = [];
  keywords().collect(line, seenRules, out);
  return out;
}

/** Runs the rules on one line and returns the accepted hits, earlier rules first. */
function scanLine(line: string, path: string | null, ctx: LineContext, fileContext: (re: RegExp) => boolean): Hit[] {
  const rules = rulesFor(line);
  const hits: Hit[] = [];
  if (rules.length === 0) return hits;
  // Documentation of an installed library (comments, docstrings, doc files): computed when a
  // generic rule first needs it on this line.
  let libraryDoc: boolean | undefined;
  // Spans a rule's own allow-list declared not secret (known public values): no later, looser
  // rule (e.g. a generic "apiKey = ..." rule) reports them either.
  const cleared: Hit[] = [];
  for (const i of rules) {
    const { rule, regex } = compiled[i]!;
    if (rule.path && (path === null || !rule.path.test(path))) continue;
    if (rule.allowLine?.some((re) => re.test(line))) continue;
    if (rule.generic && GENERIC_LINE_ALLOW.some((re) => re.test(line))) continue;
    if (rule.generic && (libraryDoc ??= isLibraryDoc(line, path, ctx))) continue;
    regex.lastIndex = 0;
    for (const m of line.matchAll(regex)) {
      const span = m.indices?.groups?.secret ?? m.indices?.[0];
      if (!span) continue;
      const secret = line.slice(span[0], span[1]);
      // A span already claimed (or cleared) by an earlier, more specific rule is not reported twice.
      if (hits.some((h) => overlaps(h, span[0], span[1])) || cleared.some((h) => overlaps(h, span[0], span[1]))) continue;
      if (secret.trim() !== "" && rule.allow?.some((re) => re.test(secret))) {
        cleared.push({ rule, start: span[0], end: span[1], secret });
        continue;
      }
      if (!accept(rule, secret, line, ctx, fileContext, span[0])) continue;
      hits.push({ rule, start: span[0], end: span[1], secret });
      if (m[0].length === 0) break;
    }
  }
  return hits;
}

function overlaps(h: Hit, start: number, end: number): boolean {
  if (start === end || h.start === h.end) return start === h.start;
  return start < h.end && h.start < end;
}

function accept(rule: SecretRule, secret: string, line: string, ctx: LineContext, fileContext: (re: RegExp) => boolean, start: number): boolean {
  if (secret.trim() !== "") {
    if (allowedValue(secret, rule.generic === true)) return false;
    if (rule.entropy !== undefined && entropy(secret) < rule.entropy) return false;
  }
  if (rule.fileContext && !fileContext(rule.fileContext)) return false;
  if (rule.confirm && !rule.confirm(secret, line, ctx, start)) return false;
  return true;
}

/** The line with every secret on it replaced, cut to at most 200 characters around `focus`. */
function redact(line: string, hits: Hit[], focus: Hit): string {
  let out = "";
  let pos = 0;
  let focusAt = 0;
  for (const h of [...hits].sort((a, b) => a.start - b.start)) {
    if (h.start < pos) continue;
    out += line.slice(pos, h.start);
    if (h === focus) focusAt = out.length;
    out += REDACTED;
    pos = h.end;
  }
  out += line.slice(pos);
  // Belt and braces: another copy of a secret elsewhere on the line is hidden too.
  for (const h of hits) if (h.secret.trim().length >= 4) out = out.split(h.secret).join(REDACTED);
  const trimmedStart = out.length - out.trimStart().length;
  out = out.trim();
  focusAt = Math.max(0, focusAt - trimmedStart);
  if (out.length <= MAX_MATCH) return out;
  const from = Math.max(0, Math.min(focusAt - 80, out.length - MAX_MATCH));
  return out.slice(from, from + MAX_MATCH);
}

function toFindings(hits: Hit[], line: string, path: string, lineNo: number | undefined): SecretFinding[] {
  return hits.map((h) => {
    const f: SecretFinding = { ruleId: h.rule.id, severity: h.rule.severity, title: h.rule.title, path, match: redact(line, hits, h) };
    if (lineNo !== undefined) f.line = lineNo;
    return f;
  });
}

/** An AWS key id and secret in the same file are a usable credential: say so. */
function pairAws(findings: SecretFinding[]): void {
  const ids = findings.filter((f) => f.ruleId === "BW-SECRET-AWS-ACCESS-KEY");
  const secrets = findings.filter((f) => f.ruleId === "BW-SECRET-AWS-SECRET-KEY");
  if (ids.length === 0 || secrets.length === 0) return;
  const where = (fs: SecretFinding[]): string => fs.map((f) => f.line).filter((n) => n !== undefined).join(", ");
  for (const f of ids) {
    f.severity = "CRITICAL";
    f.title = `AWS access key ID, paired with a secret access key (line ${where(secrets)})`;
  }
  for (const f of secrets) f.title = `AWS secret access key, paired with access key ID (line ${where(ids)})`;
}

/**
 * Scans one text file. Findings carry the 1-based line and a redacted copy of it. `found`, when
 * given, receives every detected secret string (for redacting other copies of them elsewhere).
 */
export function scanText(text: string, path: string, found?: Set<string>): SecretFinding[] {
  return scanBytes(Buffer.from(text, "utf8"), path, found, text);
}

/**
 * Scans one file's UTF-8 bytes, as `scanText` scans its text. Candidate lines are found on the
 * bytes, so a file without a keyword (most files of an image) is never decoded; lines are decoded
 * one by one, and the whole text only when a rule needs it (file context, docstring ranges).
 * `decoded`, when given, is the bytes' text.
 */
export function scanBytes(bytes: Uint8Array, path: string, found?: Set<string>, decoded?: string): SecretFinding[] {
  const index = keywords();
  let at = index.nextIn(bytes, 0);
  if (at < 0) return [];
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const findings: SecretFinding[] = [];
  const normPath = normalizePath(path);
  let text = decoded;
  const wholeText = (): string => (text ??= buf.toString("utf8"));
  const contextCache = new Map<RegExp, boolean>();
  const fileContext = (re: RegExp): boolean => {
    let v = contextCache.get(re);
    if (v === undefined) contextCache.set(re, (v = re.test(wholeText())));
    return v;
  };
  // UTF-16 offset in the text of a line's first byte, counted on from the last one asked for
  // (lines come in order; line starts follow a newline, so no character is cut).
  let mappedByte = 0;
  let mappedChar = 0;
  const charOffset = (byte: number): number => {
    if (wholeText().length === buf.length) return byte; // every byte one character
    if (byte < mappedByte) mappedByte = mappedChar = 0;
    mappedChar += buf.toString("utf8", mappedByte, byte).length;
    mappedByte = byte;
    return mappedChar;
  };
  const lineAt = (from: number, to: number): string => buf.toString("utf8", from, to > from && buf[to - 1] === 13 ? to - 1 : to);

  let lineNo = 1;
  let counted = 0; // byte offset up to which newlines were counted into lineNo
  while (at >= 0) {
    const start = buf.lastIndexOf(10, at) + 1;
    let end = buf.indexOf(10, at);
    if (end < 0) end = buf.length;
    const line = lineAt(start, end);
    let offset: number | undefined;
    const ctx: LineContext = {
      get text() {
        return wholeText();
      },
      get offset() {
        return (offset ??= charOffset(start));
      },
      path: normPath,
      following(n) {
        const out: string[] = [];
        let p = end + 1;
        while (out.length < n && p <= buf.length) {
          let e = buf.indexOf(10, p);
          if (e < 0) e = buf.length;
          out.push(lineAt(p, e));
          p = e + 1;
        }
        return out;
      },
    };
    const hits = scanLine(line, normPath, ctx, fileContext);
    if (hits.length > 0) {
      // Line numbers only for lines with findings (few): newlines counted up to here on demand.
      for (let i = buf.indexOf(10, counted); i >= 0 && i < start; i = buf.indexOf(10, i + 1)) lineNo++;
      counted = start;
    }
    if (found) for (const h of hits) found.add(h.secret);
    findings.push(...toFindings(hits, line, path, lineNo));
    if (findings.length >= MAX_FINDINGS_PER_FILE) break;
    // The whole line was handled: continue after it.
    at = index.nextIn(buf, end + 1);
  }
  pairAws(findings);
  return findings;
}

/**
 * Scans image config values: environment variables, labels and history lines. `key` is the
 * variable or label name ("" for free text such as a history line); `where` becomes the path.
 * `found`, when given, receives every detected secret string.
 */
export function scanKeyValues(entries: { key: string; value: string; where: string }[], found?: Set<string>): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const ctx: LineContext = { text: "", offset: -1, path: null, following: () => [] };
  for (const e of entries) {
    const line = e.key ? `${e.key}=${e.value}` : e.value;
    // Rules that need a file name or the rest of a file do not apply to a single value.
    const hits = scanLine(line, null, ctx, () => false);
    if (found) for (const h of hits) found.add(h.secret);
    findings.push(...toFindings(hits, line, e.where, undefined));
  }
  pairAws(findings);
  return findings;
}
