// Webhook bodies: Bulwark's JSON, or a Slack-compatible message (text + blocks), and their
// signature. The signature is HMAC-SHA256 over `<timestamp>.<raw body>` with the rule's secret:
//   X-Bulwark-Timestamp: 1733572800            (Unix seconds)
//   X-Bulwark-Signature: sha256=<hex>
// Receivers recompute it over the bytes they got and refuse timestamps older than a few minutes.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { NotificationFinding, NotificationFormat, NotificationRule } from "./types.js";

export const SIGNATURE_HEADER = "x-bulwark-signature";
export const TIMESTAMP_HEADER = "x-bulwark-timestamp";
export const DELIVERY_HEADER = "x-bulwark-delivery";
/** Findings per delivery; more make more deliveries. */
export const BATCH_SIZE = 50;
/** Slack refuses messages with more than 50 blocks and sections over 3000 characters. */
const SLACK_MAX_FINDINGS = 40;

export function sign(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** Checks a signature as a receiver would; `toleranceSeconds` bounds replay. */
export function verifySignature(secret: string, timestamp: string | undefined, body: string, signature: string | undefined, now = Date.now(), toleranceSeconds = 300): boolean {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, Number(timestamp), body));
  const got = Buffer.from(signature);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

function counts(findings: NotificationFinding[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const f of findings) c[f.severity] = (c[f.severity] ?? 0) + 1;
  return c;
}

export function jsonBody(rule: NotificationRule, findings: NotificationFinding[], sentAt: Date): string {
  return JSON.stringify({
    type: "bulwark.findings.new",
    rule: { id: rule.id, name: rule.name },
    sentAt: sentAt.toISOString(),
    counts: counts(findings),
    findings: findings.map((f) => ({
      image: { digest: f.imageDigest, names: f.imageNames },
      id: f.id,
      package: f.package,
      version: f.version,
      ...(f.fixedVersion ? { fixedVersion: f.fixedVersion } : {}),
      severity: f.severity,
      ...(f.title ? { title: f.title } : {}),
      ...(f.malicious ? { malicious: true } : {}),
      foundAt: f.foundAt,
    })),
  });
}

// Slack mrkdwn: &, < and > must be escaped; names from images are not trusted to be tidy.
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").slice(0, 300);

export function slackBody(rule: NotificationRule, findings: NotificationFinding[]): string {
  const c = counts(findings);
  const summary = Object.entries(c).map(([s, n]) => `${n} ${s.toLowerCase()}`).join(", ");
  const images = new Set(findings.map((f) => f.imageDigest)).size;
  const text = `Bulwark: ${findings.length} new finding${findings.length === 1 ? "" : "s"} (${summary}) in ${images} image${images === 1 ? "" : "s"} (rule ${esc(rule.name)})`;
  const blocks: unknown[] = [{ type: "section", text: { type: "mrkdwn", text: `*${text}*` } }];
  for (const f of findings.slice(0, SLACK_MAX_FINDINGS)) {
    const image = esc(f.imageNames[0] ?? f.imageDigest);
    const fix = f.fixedVersion ? `fixed in ${esc(f.fixedVersion)}` : "no fix yet";
    const flag = f.malicious ? " :warning: malicious package" : "";
    blocks.push({ type: "section", text: { type: "mrkdwn", text: `*${esc(f.id)}* (${f.severity})${flag} ${esc(f.package)} ${esc(f.version)}, ${fix}\n${image}` } });
  }
  if (findings.length > SLACK_MAX_FINDINGS) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `and ${findings.length - SLACK_MAX_FINDINGS} more` }] });
  return JSON.stringify({ text, blocks });
}

export function body(format: NotificationFormat, rule: NotificationRule, findings: NotificationFinding[], sentAt: Date): string {
  return format === "slack" ? slackBody(rule, findings) : jsonBody(rule, findings, sentAt);
}
