// Generic assignments (password = …, api_key: …). Loose by nature, so they carry an entropy
// threshold and the generic allow-list, and they yield to any specific rule on the same span.
import type { SecretRule } from "../types.js";
import { assigned, re } from "./shape.js";

// Statement endings and operators that only code has (env, YAML and INI lines have none).
const CODE_LINE = /[;,]\s*(?:\/\/.*)?$|&&|\|\||\?\s|->|\)\s*[;{]?\s*$|^\s*(?:const|let|var|val|def|int|char|this\.|self\.)\b/;

const VALUE = String.raw`[^\s"'\x60;,]{8,150}`;

function generic(id: string, key: string, title: string, keywords: string[], entropyMin: number): SecretRule {
  return {
    id,
    title,
    severity: "MEDIUM",
    keywords,
    regex: re(assigned(key, VALUE), true),
    entropy: entropyMin,
    generic: true,
    confirm: (s, line) => {
      // A real credential mixes letters and digits or is long and random.
      if (!((/[0-9]/.test(s) && /[A-Za-z]/.test(s)) || (s.length >= 20 && /[A-Z]/.test(s) && /[a-z]/.test(s)))) return false;
      // In source code an unquoted value is another variable, not a literal.
      const at = line.indexOf(s);
      const quoted = at > 0 && /["'\x60]/.test(line[at - 1]!);
      return quoted || !CODE_LINE.test(line);
    },
  };
}

export const genericRules: SecretRule[] = [
  generic("BW-SECRET-GENERIC-PASSWORD", String.raw`passw(?:or)?d|(?<![a-z])pwd|(?<![a-z])pass(?![a-z])`, "Hard-coded password", ["pass", "pwd"], 2.8),
  generic("BW-SECRET-GENERIC-SECRET", String.raw`secret(?!s?[_-]?(?:name|ref|key[_-]?ref|manager|arn|id\b|path|file|store|mount))`, "Hard-coded secret", ["secret"], 3.2),
  generic("BW-SECRET-GENERIC-TOKEN", String.raw`token(?![_-]?(?:url|uri|endpoint|type|name|file|path|len|length|expir|ttl))`, "Hard-coded token", ["token"], 3.2),
  generic("BW-SECRET-GENERIC-API-KEY", String.raw`api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret`, "Hard-coded API key", ["api_key", "apikey", "api-key", "access_key", "accesskey", "access-key", "private_key", "client_secret"], 3.2),
];
