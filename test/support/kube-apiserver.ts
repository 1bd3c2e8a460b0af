// Runs a real Kubernetes API server for tests: etcd (Debian's etcd-server, from PATH) and the
// kube-apiserver binary named by $BULWARK_KUBE_APISERVER, on free 127.0.0.1 ports, with
// certificates made by openssl (a CA, the serving certificate for 127.0.0.1, an admin client
// certificate in system:masters, service-account signing keys), RBAC on and the ServiceAccount
// admission plugin off (no controller manager runs, so nothing would issue tokens). There is no
// scheduler, kubelet or controller: pods stay Pending, Deployments create no pods, namespaces
// never finish deleting. Create what a test needs with `apply`, and set pod status as admin with
// `updateStatus`.
//
// Tests skip first: describe.skipIf(missingKube("what") !== undefined).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { freePort } from "./registry-server.js";
import { MISSING_TOOL_MARK, missingTool, toolPath } from "./tools.js";

/** The environment variable naming the kube-apiserver binary. */
export const KUBE_APISERVER_ENV = "BULWARK_KUBE_APISERVER";
/** Programs from PATH the harness needs besides kube-apiserver. */
export const KUBE_TOOLS = ["etcd", "openssl"];

const announced = new Set<string>();

/**
 * Why tests needing a real API server must skip, or undefined. Prints one line on the first call
 * for `what`, with the mark `.ci/run` looks for: kube-apiserver comes from $BULWARK_KUBE_APISERVER
 * (any release >= 1.30; `.ci/run` provides one), etcd from the etcd-server package.
 */
export function missingKube(what: string): string | undefined {
  const bin = process.env[KUBE_APISERVER_ENV];
  let reason: string | undefined;
  if (!bin) reason = `kube-apiserver (set ${KUBE_APISERVER_ENV} to a kube-apiserver binary >= 1.30, e.g. from the Kubernetes release downloads; .ci/run provides one)`;
  else {
    try {
      accessSync(bin, constants.X_OK);
    } catch {
      reason = `kube-apiserver: ${KUBE_APISERVER_ENV}=${bin} is not an executable file (a kube-apiserver binary >= 1.30 is needed)`;
    }
  }
  if (reason) {
    if (!announced.has(what)) {
      announced.add(what);
      console.warn(`${what} ${MISSING_TOOL_MARK}: ${reason}`);
    }
    return reason;
  }
  return missingTool(what, KUBE_TOOLS);
}

/** Credentials of one API client: a client certificate (PEM) or a bearer token. */
export type KubeCredentials = { certPem: string; keyPem: string } | { token: string };

/** A client certificate issued by the test CA, as PEM text and as files. */
export interface ClientCert {
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
}

/** A static token for --token-auth-file. */
export interface StaticToken {
  token: string;
  user: string;
  uid?: string;
  groups?: string[];
}

export interface KubeApiServerOptions {
  /** More kube-apiserver flags, appended last (e.g. ["--admission-control-config-file", F]). */
  extraArgs?: string[];
  /** Static bearer tokens: written to a file passed as --token-auth-file. */
  tokens?: StaticToken[];
  /** Extra admission plugins to enable (--enable-admission-plugins), e.g. ["ValidatingAdmissionPolicy"]. */
  enableAdmissionPlugins?: string[];
  /** --service-cluster-ip-range (default 10.0.0.0/16: room for thousands of Services). */
  serviceClusterIpRange?: string;
  /** How long to wait for /readyz (default 120 s: the machine may be busy). */
  startTimeoutMs?: number;
}

export interface KubeResponse {
  status: number;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface KubeRequestOptions {
  /** Whose credentials to use (default the admin certificate). */
  as?: KubeCredentials;
  /** Content-Type of the body (default application/json). */
  contentType?: string;
  /** Extra query parameters. */
  query?: Record<string, string>;
}

export interface ApplyOptions {
  /** On 409 AlreadyExists, replace the object (GET its resourceVersion, PUT). Default true. */
  update?: boolean;
  /** How many requests in flight at once (default 8). */
  concurrency?: number;
  as?: KubeCredentials;
}

// Objects are plain JSON; the harness does not type Kubernetes kinds.
export type KubeObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface KubeApiServer {
  /** https://127.0.0.1:PORT */
  url: string;
  /** A kubeconfig (context "admin", user "admin") with the CA and admin certificate embedded. */
  kubeconfigPath: string;
  /** The temporary directory holding certificates, data and logs (removed by stop). */
  dir: string;
  caPem: string;
  caCertPath: string;
  /** The CA's key, for tests that sign their own certificates (e.g. a webhook's). */
  caKeyPath: string;
  adminCert: string;
  adminKey: string;
  adminCertPath: string;
  adminKeyPath: string;
  /** The etcd client URL (http://127.0.0.1:PORT). */
  etcdUrl: string;
  /** A client certificate for `user` in `groups`, signed by the cluster CA. */
  issueClientCert(user: string, groups?: string[]): ClientCert;
  /** A serving certificate signed by the cluster CA, for IPs and DNS names (e.g. a webhook). */
  issueServerCert(name: string, ips: string[], dnsNames?: string[]): ClientCert;
  /** Writes a kubeconfig for other credentials (context and user named `name`); returns its path. */
  writeKubeconfig(name: string, creds: KubeCredentials | ClientCert, path?: string): string;
  /** One API request (admin by default). Bodies that are objects are sent as JSON. */
  request(method: string, path: string, body?: unknown, opts?: KubeRequestOptions): Promise<KubeResponse>;
  /**
   * Creates (or replaces) objects through the API: an array of objects, one object, a `kind: List`,
   * or YAML/JSON text with one or more documents. Resource paths come from API discovery, so any
   * built-in or registered kind works. Returns the created objects as the server stored them.
   * Throws on any status other than 2xx (and 409 handled per `update`).
   */
  apply(objects: KubeObject | KubeObject[] | string, opts?: ApplyOptions): Promise<KubeObject[]>;
  /** Sets `status` of an existing object through its /status subresource (e.g. a pod's imageID). */
  updateStatus(obj: KubeObject, status: KubeObject): Promise<KubeObject>;
  /** The URL path of an object or, with no name, of its collection (from discovery). */
  resourcePath(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string>;
  stop(): Promise<void>;
}

function openssl(args: string[], cwd: string): void {
  execFileSync(toolPath("openssl"), args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
}

/** "/O=a/O=b/CN=c" with `/` and `=` escaped in values. */
function subject(cn: string, orgs: string[] = []): string {
  const esc = (s: string) => s.replace(/[\\/=]/g, (c) => `\\${c}`);
  return [...orgs.map((o) => `/O=${esc(o)}`), `/CN=${esc(cn)}`].join("");
}

/** A leaf key + certificate signed by ca.crt/ca.key in `dir`; files named `name.key`/`name.crt`. */
function signLeaf(dir: string, name: string, subj: string, ext: string[]): ClientCert {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.crt`);
  const csr = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, ext.join("\n") + "\n");
  openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", keyPath, "-out", csr, "-subj", subj], dir);
  openssl(["x509", "-req", "-in", csr, "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", `0x${randomBytes(12).toString("hex")}`, "-days", "7", "-sha256", "-extfile", extFile, "-out", certPath], dir);
  return { keyPath, certPath, keyPem: readFileSync(keyPath, "utf8"), certPem: readFileSync(certPath, "utf8") };
}

const live = new Set<ChildProcess>();
let exitHook = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
  if (!exitHook) {
    exitHook = true;
    // A crashed test run must not leave etcd and the API server behind.
    process.once("exit", () => {
      for (const c of live) c.kill("SIGKILL");
    });
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

export async function startKubeApiServer(opts: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const bin = process.env[KUBE_APISERVER_ENV];
  if (!bin) throw new Error(`${KUBE_APISERVER_ENV} is not set: the test should have skipped (missingKube)`);
  const etcdBin = toolPath("etcd");
  const dir = mkdtempSync(join(tmpdir(), "bw-kube-"));
  const children: ChildProcess[] = [];
  let logs = "";
  const keepLog = (name: string) => (c: Buffer) => {
    logs = (logs + `[${name}] ` + c.toString()).slice(-8000);
  };
  const cleanup = async (): Promise<void> => {
    for (const c of [...children].reverse()) await stopChild(c);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // Certificates.
    openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "7", "-subj", "/CN=bulwark-test-kube-ca", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], dir);
    const serving = signLeaf(dir, "apiserver", "/CN=kube-apiserver", [
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1",
    ]);
    const clientExt = ["basicConstraints=CA:FALSE", "keyUsage=critical,digitalSignature,keyEncipherment", "extendedKeyUsage=clientAuth"];
    const admin = signLeaf(dir, "admin", subject("admin", ["system:masters"]), clientExt);
    openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "sa.key"], dir);
    openssl(["pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
    const caPem = readFileSync(join(dir, "ca.crt"), "utf8");

    // etcd.
    const [etcdPort, peerPort, securePort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcd = spawn(etcdBin, [
      "--data-dir", join(dir, "etcd"), "--name", "default",
      "--listen-client-urls", etcdUrl, "--advertise-client-urls", etcdUrl,
      "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
      "--initial-cluster", `default=${peerUrl}`, "--unsafe-no-fsync", "--log-level", "warn",
    ], { stdio: ["ignore", "ignore", "pipe"] });
    children.push(etcd);
    track(etcd);
    etcd.stderr!.on("data", keepLog("etcd"));

    // kube-apiserver.
    const args = [
      "--etcd-servers", etcdUrl, "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
      "--secure-port", String(securePort), "--tls-cert-file", serving.certPath, "--tls-private-key-file", serving.keyPath,
      "--client-ca-file", join(dir, "ca.crt"), "--authorization-mode", "RBAC",
      "--service-account-issuer", "https://kubernetes.default.svc", "--service-account-key-file", join(dir, "sa.pub"),
      "--service-account-signing-key-file", join(dir, "sa.key"), "--service-cluster-ip-range", opts.serviceClusterIpRange ?? "10.0.0.0/16",
      "--disable-admission-plugins", "ServiceAccount", "--allow-privileged=true", "--endpoint-reconciler-type", "none",
      "--profiling=false", "-v", "0",
    ];
    if (opts.enableAdmissionPlugins?.length) args.push("--enable-admission-plugins", opts.enableAdmissionPlugins.join(","));
    if (opts.tokens?.length) {
      const csv = (s: string) => `"${s.replace(/"/g, '""')}"`;
      const lines = opts.tokens.map((t) => [t.token, t.user, t.uid ?? t.user, ...(t.groups?.length ? [csv(t.groups.join(","))] : [])].map((v, i) => (i === 3 ? v : csv(v))).join(","));
      writeFileSync(join(dir, "tokens.csv"), lines.join("\n") + "\n", { mode: 0o600 });
      args.push("--token-auth-file", join(dir, "tokens.csv"));
    }
    if (opts.extraArgs) args.push(...opts.extraArgs);
    const api = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
    children.push(api);
    track(api);
    api.stderr!.on("data", keepLog("kube-apiserver"));

    const url = `https://127.0.0.1:${securePort}`;
    const agent = new https.Agent({ keepAlive: true, maxSockets: 32, ca: caPem });
    const adminCreds: KubeCredentials = { certPem: admin.certPem, keyPem: admin.keyPem };

    const request = (method: string, path: string, body?: unknown, ro: KubeRequestOptions = {}): Promise<KubeResponse> =>
      new Promise((resolve, reject) => {
        const creds = ro.as ?? adminCreds;
        const q = ro.query ? `${path.includes("?") ? "&" : "?"}${new URLSearchParams(ro.query).toString()}` : "";
        const data = body === undefined ? undefined : typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
        const headers: Record<string, string> = { Accept: "application/json" };
        if (data !== undefined) headers["Content-Type"] = ro.contentType ?? "application/json";
        if ("token" in creds) headers["Authorization"] = `Bearer ${creds.token}`;
        const tls = "certPem" in creds ? { cert: creds.certPem, key: creds.keyPem, agent: new https.Agent({ keepAlive: false, ca: caPem, cert: creds.certPem, key: creds.keyPem }) } : { agent };
        if ("certPem" in creds && creds === adminCreds) tls.agent = adminAgent;
        const req = https.request(`${url}${path}${q}`, { method, headers, ...tls, timeout: 60_000 }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // Not JSON (e.g. /readyz says "ok").
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on("error", reject);
        });
        req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
        req.on("error", reject);
        req.end(data);
      });
    const adminAgent = new https.Agent({ keepAlive: true, maxSockets: 32, ca: caPem, cert: admin.certPem, key: admin.keyPem });

    const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000);
    for (;;) {
      const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null);
      if (dead) throw new Error(`${dead === etcd ? "etcd" : "kube-apiserver"} exited during startup: ${logs}`);
      try {
        const r = await request("GET", "/readyz");
        if (r.status === 200) break;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`kube-apiserver was not ready on ${url}: ${logs}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    const writeKubeconfig = (name: string, creds: KubeCredentials | ClientCert, path = join(dir, `${name}.kubeconfig`)): string => {
      const user: Record<string, string> = "token" in creds ? { token: creds.token } : { "client-certificate-data": Buffer.from(creds.certPem).toString("base64"), "client-key-data": Buffer.from(creds.keyPem).toString("base64") };
      const config = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "test", cluster: { server: url, "certificate-authority-data": Buffer.from(caPem).toString("base64") } }],
        users: [{ name, user }],
        contexts: [{ name, context: { cluster: "test", user: name } }],
        "current-context": name,
      };
      writeFileSync(path, JSON.stringify(config, null, 2) + "\n", { mode: 0o600 });
      return path;
    };
    const kubeconfigPath = writeKubeconfig("admin", admin);

    // Discovery: apiVersion → { kind → { name, namespaced } }.
    const discovered = new Map<string, Promise<Map<string, { name: string; namespaced: boolean }>>>();
    const discover = (apiVersion: string) => {
      let p = discovered.get(apiVersion);
      if (!p) {
        p = (async () => {
          const r = await request("GET", apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`);
          if (r.status !== 200) throw new Error(`discovery of ${apiVersion}: HTTP ${r.status}`);
          const kinds = new Map<string, { name: string; namespaced: boolean }>();
          for (const res of r.body.resources ?? []) if (!String(res.name).includes("/")) kinds.set(res.kind, { name: res.name, namespaced: !!res.namespaced });
          return kinds;
        })();
        p.catch(() => discovered.delete(apiVersion));
        discovered.set(apiVersion, p);
      }
      return p;
    };
    const resourcePath = async (apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> => {
      const res = (await discover(apiVersion)).get(kind);
      if (!res) throw new Error(`the API server has no kind ${kind} in ${apiVersion}`);
      const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const ns = res.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? "default")}` : "";
      return `${base}${ns}/${res.name}${name ? `/${encodeURIComponent(name)}` : ""}`;
    };

    const flatten = (input: KubeObject | KubeObject[] | string): KubeObject[] => {
      const list: KubeObject[] = typeof input === "string" ? parseAllDocuments(input).map((d) => d.toJS()).filter((o) => o && typeof o === "object") : Array.isArray(input) ? input : [input];
      return list.flatMap((o) => (o.kind === "List" || (typeof o.kind === "string" && o.kind.endsWith("List") && Array.isArray(o.items)) ? flatten(o.items as KubeObject[]) : [o]));
    };

    const applyOne = async (obj: KubeObject, ao: ApplyOptions): Promise<KubeObject> => {
      const ns = obj.metadata?.namespace as string | undefined;
      const name = obj.metadata?.name as string | undefined;
      const collection = await resourcePath(obj.apiVersion, obj.kind, ns);
      const as = ao.as ? { as: ao.as } : {};
      const created = await request("POST", collection, obj, as);
      if (created.status >= 200 && created.status < 300) return created.body;
      if (created.status === 409 && (ao.update ?? true) && name) {
        const path = await resourcePath(obj.apiVersion, obj.kind, ns, name);
        for (let attempt = 0; attempt < 5; attempt++) {
          const cur = await request("GET", path, undefined, as);
          if (cur.status !== 200) throw new Error(`GET ${path}: HTTP ${cur.status} ${JSON.stringify(cur.body).slice(0, 500)}`);
          const put = await request("PUT", path, { ...obj, metadata: { ...obj.metadata, resourceVersion: cur.body.metadata.resourceVersion } }, as);
          if (put.status >= 200 && put.status < 300) return put.body;
          if (put.status !== 409) throw new Error(`PUT ${path}: HTTP ${put.status} ${JSON.stringify(put.body).slice(0, 500)}`);
        }
      }
      throw new Error(`create ${obj.kind} ${ns ? ns + "/" : ""}${name ?? "?"}: HTTP ${created.status} ${JSON.stringify(created.body).slice(0, 500)}`);
    };

    const apply = async (input: KubeObject | KubeObject[] | string, ao: ApplyOptions = {}): Promise<KubeObject[]> => {
      const list = flatten(input);
      const out: KubeObject[] = new Array(list.length);
      // Namespaces first, in order, so the objects in them can be created concurrently.
      for (let i = 0; i < list.length; i++) if (list[i]!.kind === "Namespace") out[i] = await applyOne(list[i]!, ao);
      const rest = list.map((_, i) => i).filter((i) => list[i]!.kind !== "Namespace");
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < rest.length) {
          const i = rest[next++]!;
          out[i] = await applyOne(list[i]!, ao);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(ao.concurrency ?? 8, rest.length)) }, worker));
      return out;
    };

    const updateStatus = async (obj: KubeObject, status: KubeObject): Promise<KubeObject> => {
      const path = await resourcePath(obj.apiVersion, obj.kind, obj.metadata?.namespace, obj.metadata?.name);
      for (let attempt = 0; attempt < 5; attempt++) {
        const cur = await request("GET", path);
        if (cur.status !== 200) throw new Error(`GET ${path}: HTTP ${cur.status}`);
        const put = await request("PUT", `${path}/status`, { ...cur.body, status });
        if (put.status >= 200 && put.status < 300) return put.body;
        if (put.status !== 409) throw new Error(`PUT ${path}/status: HTTP ${put.status} ${JSON.stringify(put.body).slice(0, 500)}`);
      }
      throw new Error(`PUT ${path}/status: conflicts`);
    };

    let leafCount = 0;
    return {
      url,
      kubeconfigPath,
      dir,
      caPem,
      caCertPath: join(dir, "ca.crt"),
      caKeyPath: join(dir, "ca.key"),
      adminCert: admin.certPem,
      adminKey: admin.keyPem,
      adminCertPath: admin.certPath,
      adminKeyPath: admin.keyPath,
      etcdUrl,
      issueClientCert: (user, groups = []) => signLeaf(dir, `client-${++leafCount}`, subject(user, groups), clientExt),
      issueServerCert: (name, ips, dnsNames = []) =>
        signLeaf(dir, `server-${++leafCount}`, subject(name), [
          "basicConstraints=CA:FALSE",
          "keyUsage=critical,digitalSignature,keyEncipherment",
          "extendedKeyUsage=serverAuth",
          `subjectAltName=${[...ips.map((i) => `IP:${i}`), ...dnsNames.map((d) => `DNS:${d}`)].join(",")}`,
        ]),
      writeKubeconfig,
      request,
      apply,
      updateStatus,
      resourcePath,
      stop: async () => {
        agent.destroy();
        adminAgent.destroy();
        await cleanup();
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/**
 * A raw request as the admin (client certificate) that keeps the response's `Warning` headers
 * (admission warnings), which the typed helpers drop.
 */
export function adminRequest(kube: KubeApiServer, method: string, path: string, body: unknown): Promise<{ status: number; body: KubeObject; warnings: string[] }> {
  return requestAs(kube, { certPem: readFileSync(kube.adminCertPath, "utf8"), keyPem: readFileSync(kube.adminKeyPath, "utf8") }, method, path, body);
}

/** The same as `adminRequest`, as `who` (a client certificate, e.g. from `issueClientCert`). */
export function requestAs(kube: KubeApiServer, who: { certPem: string; keyPem: string }, method: string, path: string, body: unknown): Promise<{ status: number; body: KubeObject; warnings: string[] }> {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(body));
    const req = https.request(`${kube.url}${path}`, {
      method, ca: kube.caPem, cert: who.certPem, key: who.keyPem,
      headers: { "content-type": "application/json", "content-length": data.length }, timeout: 60_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const w = res.headers.warning;
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || "{}") as KubeObject, warnings: w === undefined ? [] : Array.isArray(w) ? w : [w] });
      });
    });
    req.on("error", reject);
    req.end(data);
  });
}
