// Generic assignments (password = …, api_key: …). Loose by nature, so they report only a literal
// value with real entropy: a quoted string, or a bare value where the file's syntax makes a bare
// value a literal (env, INI, YAML, properties, shell, image env/labels/history). Never an
// identifier, an expression, a call, a member access, a dependency range or a placeholder.
// They carry the generic allow-list, stay quiet in library documentation (../context.ts), and
// yield to any specific rule on the same span.
import { fileStyle } from "../context.js";
import type { LineContext, SecretRule } from "../types.js";
import { assigned, re } from "./shape.js";

// Statement endings and operators that only code has (env, YAML and INI lines have none).
const CODE_LINE = /[;,]\s*(?:\/\/.*)?$|&&|\|\||\?\s|->|\)\s*[;{]?\s*$|^\s*(?:const|let|var|val|def|int|char|this\.|self\.)\b/;

const VALUE = String.raw`[^\s"'\x60;,]{8,150}`;

// Not a literal credential, whatever the file: scope and member access (WEBrick::HTTPAuth,
// a.b.c), paths, dependency ranges (^4.0.0, >=1.2 <2, npm:pkg@1), interpolation.
const NOT_LITERAL: RegExp[] = [
  /::/,
  /^(?:\.{0,2}\/|~\/)/,
  /^[\^~<>=v]*\d+(?:\.(?:\d+|x|\*)){1,3}(?:[-+][0-9A-Za-z.-]+)?$/i,
  /^(?:npm|workspace|file|link|portal|patch|catalog|git\+[a-z]+|github|gitlab|bitbucket):/i,
  /#\{|\$\{|%\{|%\(|<%|\{\{/,
  /^\$[\w{(]/, // $VAR…, ${…}, $(…): a reference to another value
];

const QUOTES = "\"'\x60";

/**
 * `_EllipticCurvePrivateKey`, `getTokenByRangeStart`, `MAX_TOKEN_SIZE`: letters only, made of
 * words of two letters or more. Random strings of letters split into one-letter pieces.
 */
export function identifierWords(s: string): boolean {
  if (!/^[A-Za-z_$]+$/.test(s)) return false;
  const words = s.split(/[_$]+|(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/).filter(Boolean);
  return words.length > 0 && words.every((w) => w.length >= 2 && /^(?:[A-Z]?[a-z]+|[A-Z]+)$/.test(w) && /[aeiouyAEIOUY]/.test(w));
}

/** The value is a literal: quoted (both sides, same quote), or bare where bare values are literals. */
export function literalValue(secret: string, line: string, ctx: Pick<LineContext, "path">, start: number): boolean {
  if (NOT_LITERAL.some((r) => r.test(secret))) return false;
  const before = start > 0 ? line[start - 1]! : "";
  const after = line[start + secret.length] ?? "";
  if (QUOTES.includes(before) && before !== "") return after === before;
  // An opening quote further left with more words inside (`"^4.0.0 || ^8"`, `"my password"`): prose.
  if (/["'\x60][^"'\x60]*$/.test(line.slice(0, start)) && /=\s*["'\x60]|:\s*["'\x60]/.test(line.slice(0, start))) return false;
  // Image env, labels and history: NAME=value, or a shell command line.
  if (ctx.path === null) return true;
  if (fileStyle(ctx.path) === "code") return false;
  // Config or unknown file type: a bare value on a line that reads like code is another variable.
  return !CODE_LINE.test(line);
}

function generic(id: string, key: string, title: string, keywords: string[], entropyMin: number): SecretRule {
  return {
    id,
    title,
    severity: "MEDIUM",
    keywords,
    regex: re(assigned(key, VALUE), true),
    entropy: entropyMin,
    generic: true,
    confirm: (s, line, ctx, start) => {
      // A real credential mixes letters and digits or is long and random; a long run of words
      // in camel or snake case is a name (a type annotation, a key mapped to its own name).
      const digits = /[0-9]/.test(s);
      if (!((digits && /[A-Za-z]/.test(s)) || (!digits && s.length >= 20 && /[A-Z]/.test(s) && /[a-z]/.test(s) && !identifierWords(s)))) return false;
      return literalValue(s, line, ctx, start);
    },
  };
}

export const genericRules: SecretRule[] = [
  generic("BW-SECRET-GENERIC-PASSWORD", String.raw`passw(?:or)?d|(?<![a-z])pwd|(?<![a-z])pass(?![a-z])`, "Hard-coded password", ["pass", "pwd"], 2.8),
  generic("BW-SECRET-GENERIC-SECRET", String.raw`secret(?!s?[_-]?(?:name|ref|key[_-]?ref|manager|arn|id\b|path|file|store|mount))`, "Hard-coded secret", ["secret"], 3.2),
  generic("BW-SECRET-GENERIC-TOKEN", String.raw`token(?![_-]?(?:url|uri|endpoint|type|name|file|path|len|length|expir|ttl))`, "Hard-coded token", ["token"], 3.2),
  generic("BW-SECRET-GENERIC-API-KEY", String.raw`api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret`, "Hard-coded API key", ["api_key", "apikey", "api-key", "access_key", "accesskey", "access-key", "private_key", "client_secret"], 3.2),
];
