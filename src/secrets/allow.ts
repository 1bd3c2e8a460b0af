// Allow-lists shared by all rules. A scanner that cries wolf gets switched off, so documented
// example values, placeholders, hashes and code references are dropped before reporting.

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

// Values that are documentation, not credentials, for every rule.
const EVERY_RULE: RegExp[] = [
  /example/i, // AKIAIOSFODNN7EXAMPLE, wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, …
  /x{5,}/i,
  /\*{3,}/,
  /\.{3}|…/,
  /dummy|fake|sample|placeholder|redacted|changeme|your[_-]?(?:own[_-]?)?(?:key|token|secret|pass)/i,
  /^(.)\1+$/, // one character repeated
];

const PLACEHOLDER_WORDS = new Set([
  "password", "passwd", "secret", "token", "null", "none", "nil", "undefined", "true", "false",
  "empty", "changeit", "pass", "admin", "root", "user", "username", "string", "required", "optional",
]);

// Only for generic rules: words that mark test data, templates and references to other values.
const GENERIC_ONLY: RegExp[] = [
  /test|mock|demo|foo|bar|baz|qwerty|abc123|123456|lorem/i,
  /^\$\{?[\w.]+\}?$|\$\{|\$\(|\{\{|\}\}|^%|%\(|^<.*>?$|^@/, // ${VAR}, $VAR, {{ .Values.x }}, <your-password>, %(x)s, @var
  /^\$2[abxy]?\$\d\d\$|^\$[156]\$|^\$argon2|^\$apr1\$|^\{(?:SSHA|SHA|MD5|CRYPT)\}/i, // crypt and LDAP hashes
  /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$/i, // hex digests
  /^sha(?:1|256|384|512)-/i, // lockfile integrity
  /^(?:https?|file):\/\//i,
  /^[a-z]+(?:[_-][a-z0-9]+)+$/i, // identifiers and enum values: my_password_field, scram-sha-256
  /^(?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*$/, // config.password, os.environ.get
  /[()[\]{}<>]/,
  /^[?!&|^~]/, // operators and parser states such as "?NonExpressionParenEnd"
];

/** True when a secret value is a documented example or placeholder, not a credential. */
export function allowedValue(value: string, generic: boolean): boolean {
  const v = value.trim();
  if (v === "") return generic;
  if (EVERY_RULE.some((re) => re.test(v))) return true;
  if (!generic) return false;
  if (PLACEHOLDER_WORDS.has(v.toLowerCase())) return true;
  return GENERIC_ONLY.some((re) => re.test(v));
}

/**
 * A rule's `allow` entry matching exactly the given values: known public keys that are not
 * secrets (shipped in vendors' own client code and samples), kept as data next to the rule.
 */
export function knownValues(values: readonly string[]): RegExp {
  return new RegExp(`^(?:${values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$`);
}

/** Lines that never carry a credential for generic rules (lockfile integrity, public material). */
export const GENERIC_LINE_ALLOW: RegExp[] = [
  /"?integrity"?\s*[:=]/i,
  /-----BEGIN (?:PUBLIC KEY|CERTIFICATE|X509 CRL|PGP PUBLIC KEY BLOCK|RSA PUBLIC KEY)/,
  /^\s*(?:#|\/\/)\s*(?:e\.g\.|example|for example|usage)/i,
];
