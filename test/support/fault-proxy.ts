// A small HTTP relay in front of a real registry for failure cases: it counts requests and lets a
// test answer chosen requests itself (hostile pagination, endless bodies, huge manifests); every
// other request goes to the registry unchanged.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface FaultProxy {
  /** "127.0.0.1:<port>" */
  host: string;
  /** Every request seen: "METHOD /path?query". */
  requests: string[];
  /** Requests whose path matches. */
  count(method: string, path: RegExp): number;
  reset(): void;
  stop(): Promise<void>;
}

/** Returns true when it answered the request itself. */
export type Fault = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => boolean;

export interface FaultProxyOptions {
  /** Milliseconds to hold a request before relaying it (slow registries, long-running scans). */
  delayMs?: (req: http.IncomingMessage, url: URL) => number;
}

export async function startFaultProxy(upstream: string, fault: Fault = () => false, opts: FaultProxyOptions = {}): Promise<FaultProxy> {
  const requests: string[] = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", `http://${upstream}`);
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (fault(req, res, url)) return;
    const delay = opts.delayMs?.(req, url) ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (req.destroyed) return;
    const out = http.request(
      { host: url.hostname, port: url.port, method: req.method, path: url.pathname + url.search, headers: { ...req.headers, host: upstream } },
      (up) => {
        const headers = { ...up.headers };
        // Keep redirects and pagination links on the proxy.
        for (const h of ["location", "link"] as const) {
          const v = headers[h];
          if (typeof v === "string") headers[h] = v.replaceAll(`http://${upstream}`, "");
        }
        res.writeHead(up.statusCode ?? 502, headers);
        up.pipe(res);
      },
    );
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    count: (method, path) => requests.filter((r) => r.startsWith(`${method} `) && path.test(r.slice(method.length + 1))).length,
    reset: () => {
      requests.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
