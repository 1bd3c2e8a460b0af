// The API client: @kubernetes/client-node reads the kubeconfig (contexts, in-cluster service
// account, exec credential plugins, client certificates, proxies) and gives the TLS agent and
// auth headers; requests are made here with node's http(s) so responses stay raw JSON (no model
// classes), bodies are capped and every request has a deadline.
import http from "node:http";
import https from "node:https";
import { existsSync } from "node:fs";
import { UserError } from "../errors.js";
import type { KubeConfig } from "@kubernetes/client-node";

export interface ClientOptions {
  /** A kubeconfig file; default: $KUBECONFIG, ~/.kube/config, else the in-cluster service account. */
  kubeconfig?: string;
  /** Context of the kubeconfig (default: its current-context). */
  context?: string;
  /** Per-request deadline (default 60 s). */
  timeoutMs?: number;
  /** Largest response body accepted (default 64 MiB): a page bigger than that is an error, not an OOM. */
  maxBodyBytes?: number;
}

export interface KubeResponse {
  status: number;
  body: unknown;
}

export interface KubeClient {
  server: string;
  context?: string;
  /** GET a path (with query) and parse JSON; network failures throw, HTTP errors are returned. */
  get(path: string): Promise<KubeResponse>;
  /** POST JSON (e.g. a SelfSubjectAccessReview); same conventions as get. */
  post(path: string, body: unknown): Promise<KubeResponse>;
}

// Loading the client library costs ~0.7 s (it brings the whole generated API): only k8s commands pay it.
async function loadKubeConfig(opts: ClientOptions): Promise<KubeConfig> {
  const lib = await import("@kubernetes/client-node");
  const kc = new lib.KubeConfig();
  try {
    if (opts.kubeconfig) {
      if (!existsSync(opts.kubeconfig)) throw new UserError("NOT_FOUND", `kubeconfig ${opts.kubeconfig}: no such file`);
      kc.loadFromFile(opts.kubeconfig);
    } else kc.loadFromDefault();
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError("INPUT", `cannot read the kubeconfig${opts.kubeconfig ? ` ${opts.kubeconfig}` : ""}: ${firstLine(e)}`);
  }
  if (opts.context !== undefined) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(opts.context)) throw new UserError("USAGE", `no context "${opts.context}" in the kubeconfig (contexts: ${names.join(", ") || "none"})`);
    kc.setCurrentContext(opts.context);
  }
  return kc;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!.slice(0, 300);
}

export async function connect(opts: ClientOptions = {}): Promise<KubeClient> {
  const kc = await loadKubeConfig(opts);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new UserError("INPUT", "the kubeconfig names no cluster for the current context");
  const server = cluster.server.replace(/\/+$/, "");
  if (!/^https?:\/\//.test(server)) throw new UserError("INPUT", `the cluster server "${server}" is not an http(s) URL`);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const maxBody = opts.maxBodyBytes ?? 64 * 2 ** 20;
  const current = kc.getCurrentContext();

  const send = async (method: string, path: string, payload?: unknown): Promise<KubeResponse> => {
    const ro: https.RequestOptions = { headers: {} };
    try {
      // Credentials (tokens from exec plugins too) are applied for every request, so a token that
      // expires during a long collection is refreshed by the library.
      await kc.applyToHTTPSOptions(ro);
    } catch (e) {
      throw new UserError("INPUT", `cannot get credentials for context "${current}": ${firstLine(e)}`);
    }
    const headers: Record<string, string> = { Accept: "application/json" };
    for (const [k, v] of Object.entries(ro.headers ?? {})) if (typeof v === "string") headers[k] = v;
    if (ro.auth) headers["Authorization"] = `Basic ${Buffer.from(ro.auth).toString("base64")}`;
    const data = payload === undefined ? undefined : JSON.stringify(payload);
    if (data !== undefined) headers["Content-Type"] = "application/json";
    const url = new URL(server + path);
    const mod = url.protocol === "https:" ? https : http;
    return new Promise<KubeResponse>((resolve, reject) => {
      const req = mod.request(url, { method, headers, agent: ro.agent as http.Agent }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > maxBody) {
            req.destroy(new Error(`response larger than ${maxBody} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // Not JSON: kept as text (error pages of proxies).
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on("error", reject);
        res.on("aborted", () => reject(new Error("the server closed the response early")));
      });
      const timer = setTimeout(() => req.destroy(new Error(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
      req.on("close", () => clearTimeout(timer));
      req.on("error", (e) => reject(e));
      req.end(data);
    });
  };
  const client: KubeClient = { server, get: (path) => send("GET", path), post: (path, body) => send("POST", path, body) };
  if (current) client.context = current;
  return client;
}

/** The message of a Kubernetes Status body, or the body's first line. */
export function statusMessage(body: unknown): string {
  if (body && typeof body === "object" && typeof (body as { message?: unknown }).message === "string") return (body as { message: string }).message.slice(0, 500);
  return String(body ?? "").split("\n")[0]!.slice(0, 200);
}
