// Which proxy a registry request goes through, from the environment, with the rules Go's
// net/http uses (and so docker, podman, skopeo, crane and Trivy): HTTPS_PROXY for https URLs,
// HTTP_PROXY for http ones (upper case first), NO_PROXY for exceptions, loopback never proxied.
import { isIP } from "node:net";
import { isLoopbackHost } from "./transport.js";

type Env = Record<string, string | undefined>;

function envValue(env: Env, name: string): string | undefined {
  const v = env[name.toUpperCase()] ?? env[name.toLowerCase()];
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

/** The proxy for `url`, or undefined for a direct connection. */
export function proxyFor(url: URL, env: Env = process.env): URL | undefined {
  const name = url.protocol === "https:" ? "HTTPS_PROXY" : "HTTP_PROXY";
  const raw = envValue(env, name);
  if (!raw) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || isLoopbackHost(host)) return undefined;
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  if (bypassed(host, port, envValue(env, "no_proxy") ?? "")) return undefined;
  let proxy: URL;
  try {
    // A bare host:port means an HTTP proxy, as in Go.
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new Error(`${name} is not a URL`);
  }
  if (proxy.protocol !== "http:" && proxy.protocol !== "https:") throw new Error(`${name}: ${proxy.protocol.slice(0, -1)} proxies are not supported (http:// and https:// are)`);
  return proxy;
}

/** NO_PROXY: `*`, or entries of host names (matching subdomains too), `.domain`, IPs and CIDRs, each with an optional port. */
function bypassed(host: string, port: string, noProxy: string): boolean {
  for (let entry of noProxy.split(/[\s,]+/)) {
    entry = entry.toLowerCase();
    if (!entry) continue;
    if (entry === "*") return true;
    // An IP or CIDR entry.
    const cidr = /^([0-9a-f:.]+)\/(\d{1,3})$/.exec(entry);
    if (cidr && isIP(cidr[1]!) && isIP(host) && inCidr(host, cidr[1]!, Number(cidr[2]))) return true;
    let entryHost = entry;
    let entryPort: string | undefined;
    const hp = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (hp) {
      entryHost = hp[1]!;
      entryPort = hp[2];
    }
    entryHost = entryHost.replace(/^\[|\]$/g, "");
    if (entryPort !== undefined && entryPort !== port) continue;
    if (isIP(entryHost)) {
      if (entryHost === host) return true;
      continue;
    }
    const domain = entryHost.replace(/^\*?\./, "");
    if (host === domain || host.endsWith(`.${domain}`)) return true;
  }
  return false;
}

function inCidr(ip: string, base: string, bits: number): boolean {
  const a = ipBytes(ip);
  const b = ipBytes(base);
  if (!a || !b || a.length !== b.length || bits > a.length * 8) return false;
  for (let i = 0; i < bits; i++) {
    const mask = 0x80 >> i % 8;
    if ((a[i >> 3]! & mask) !== (b[i >> 3]! & mask)) return false;
  }
  return true;
}

function ipBytes(ip: string): number[] | undefined {
  if (isIP(ip) === 4) return ip.split(".").map(Number);
  if (isIP(ip) !== 6) return undefined;
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, undefined];
  const groups = (s: string | undefined): string[] => (s ? s.split(":") : []);
  const h = groups(head);
  const t = groups(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups.
  const expand = (gs: string[]): number[] => gs.flatMap((g) => (g.includes(".") ? ipBytes(g)! : [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
  const hb = expand(h);
  const tb = expand(t);
  return [...hb, ...new Array<number>(16 - hb.length - tb.length).fill(0), ...tb];
}

/** The proxy as shown in logs: no credentials. */
export function describeProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}
