// Redaction of detected secrets in any text: the secret strings found by the scanner (image
// env, labels, history, config files) are replaced by "*****" wherever a report repeats them.

export const REDACTED = "*****";

/**
 * Secrets of at least this length are replaced wherever they occur; shorter ones (3 to 5
 * characters: a weak password in a URL) only as a whole word, so that ordinary text survives.
 */
const MIN_SECRET = 6;
const MIN_SHORT = 3;
/** Shortest cut-off head of a secret that is replaced: before "..." or "…", and at the end of a text. */
const MIN_HEAD = 4;
const MIN_HEAD_AT_END = 8;

export class Redactor {
  private readonly secrets: string[];
  private readonly short: RegExp | null;

  constructor(secrets: Iterable<string>) {
    const all = [...new Set([...secrets].map((s) => s.trim()).filter((s) => s.length >= MIN_SHORT && s !== REDACTED))];
    // Longest first: a secret that contains another is replaced whole.
    this.secrets = all.filter((s) => s.length >= MIN_SECRET).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    const short = all.filter((s) => s.length < MIN_SECRET).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    this.short = short.length ? new RegExp(`(?<![A-Za-z0-9])(?:${short.join("|")})(?![A-Za-z0-9])`, "g") : null;
  }

  get empty(): boolean {
    return this.secrets.length === 0 && this.short === null;
  }

  /**
   * `text` with every copy of every secret replaced. Heads of a secret cut short by a writer or
   * rule that shortens text (`git clone https://ghp_abc...`) are replaced too: a head of at
   * least 4 characters right before "..." or "…", or of at least 8 at the end of the text.
   */
  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) {
      if (out.includes(s)) out = out.split(s).join(REDACTED);
      out = redactHeads(out, s);
    }
    if (this.short) out = out.replace(this.short, REDACTED);
    return out;
  }
}

/** Cut-off heads of `secret` before an ellipsis or at the end of `text`. */
function redactHeads(text: string, secret: string): string {
  const head = secret.slice(0, MIN_HEAD);
  if (!text.includes(head)) return text;
  const cuts: number[] = [text.length];
  for (const mark of ["...", "\u2026"]) for (let i = text.indexOf(mark); i >= 0; i = text.indexOf(mark, i + 1)) cuts.push(i);
  let out = text;
  // From the right, so earlier offsets stay valid.
  for (const cut of [...new Set(cuts)].sort((a, b) => b - a)) {
    let best = -1;
    for (let i = out.lastIndexOf(head, cut - MIN_HEAD); i >= 0 && cut - i < secret.length; i = i > 0 ? out.lastIndexOf(head, i - 1) : -1) {
      if (secret.startsWith(out.slice(i, cut))) best = i;
    }
    if (best >= 0 && (cut < out.length || cut - best >= MIN_HEAD_AT_END)) out = out.slice(0, best) + REDACTED + out.slice(cut);
  }
  return out;
}
