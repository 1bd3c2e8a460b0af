// Kubernetes audit events (audit.k8s.io/v1 Event): JSON lines from the API server's log backend,
// or EventList bodies POSTed by its webhook backend.
import { createServer, type Server } from "node:http";
import type { K8sAuditEvent } from "../event.js";

/** Largest webhook body accepted (the API server batches events; its default batch is small). */
export const MAX_WEBHOOK_BODY = 16 << 20;

/** One audit log line → event (undefined for lines that are not an audit Event). */
export function parseK8sAuditLine(line: string, origin = "k8s-audit-log"): K8sAuditEvent | undefined {
  const t = line.trim();
  if (!t.startsWith("{")) return undefined;
  let obj: unknown;
  try {
    obj = JSON.parse(t);
  } catch {
    return undefined;
  }
  return toEvent(obj, origin);
}

function toEvent(obj: unknown, origin: string, inList = false): K8sAuditEvent | undefined {
  if (!obj || typeof obj !== "object") return undefined;
  const o = obj as Record<string, unknown>;
  // Items of a webhook EventList carry no kind/apiVersion of their own.
  const typed = o["kind"] === "Event" && typeof o["apiVersion"] === "string" && String(o["apiVersion"]).startsWith("audit.k8s.io/");
  if (!typed && !(inList && typeof o["auditID"] === "string" && typeof o["stage"] === "string")) return undefined;
  const ts = Date.parse(String(o["stageTimestamp"] ?? o["requestReceivedTimestamp"] ?? ""));
  return { source: "k8s_audit", time: Number.isFinite(ts) ? ts : Date.now(), audit: o, origin };
}

/** An EventList (webhook body) → events. */
export function parseK8sAuditBody(body: string): K8sAuditEvent[] {
  const obj = JSON.parse(body) as { kind?: string; items?: unknown[] };
  if (obj.kind === "EventList" && Array.isArray(obj.items)) return obj.items.map((i) => toEvent(i, "k8s-audit-webhook", true)).filter((e): e is K8sAuditEvent => !!e);
  const one = toEvent(obj, "k8s-audit-webhook");
  return one ? [one] : [];
}

/** The audit webhook receiver: POST / with an EventList; 200 on success, 400/413 otherwise. */
export function startK8sAuditWebhook(listen: { host: string; port: number }, onEvent: (e: K8sAuditEvent) => void): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== "POST") {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_WEBHOOK_BODY) {
        tooBig = true;
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (tooBig) return;
      try {
        for (const e of parseK8sAuditBody(Buffer.concat(chunks).toString("utf8"))) onEvent(e);
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      } catch {
        res.writeHead(400).end();
      }
    });
    req.on("close", () => {
      if (tooBig && !res.headersSent) res.writeHead(413).end();
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => resolve(server));
  });
}
