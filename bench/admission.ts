// `npm run bench -- admission`: the admission webhook under 200 concurrent warm requests (issue 14:
// p99 < 10 ms in process). A real docker-registry holds 5 images; a policy (allowed registries,
// vulnerabilities, root user) and the baseline Pod Security rules apply. After one warm-up request
// per image, rounds of 200 concurrent AdmissionReviews (Pods and Deployments with 2 containers, tags
// and digests) are timed (a) calling the controller in process and (b) over HTTPS on loopback
// (keep-alive, 200 sockets), each request from send to answer.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pushImage } from "../src/image/registry/index.js";
import { admission, importPaths, parsePolicy } from "../src/index.js";
import { buildImage } from "../test/support/image-builder.js";
import { startRegistry } from "../test/support/registry-server.js";
import { missingTool, toolPath } from "../test/support/tools.js";

const CONCURRENT = 200;
const ROUNDS = 10;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

function line(what: string, xs: number[], wall: number): string {
  return `${what}: ${xs.length} requests, p50 ${pct(xs, 50).toFixed(2)} ms, p95 ${pct(xs, 95).toFixed(2)} ms, p99 ${pct(xs, 99).toFixed(2)} ms, max ${Math.max(...xs).toFixed(2)} ms; ${(xs.length / (wall / 1000)).toFixed(0)} req/s`;
}

export async function benchAdmission(): Promise<void> {
  if (missingTool("admission bench", ["docker-registry", "openssl"])) return;
  const work = mkdtempSync(join(tmpdir(), "bw-bench-adm-"));
  const reg = await startRegistry();
  try {
    const refs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const img = await buildImage({ user: "app", layers: [{ createdBy: "ADD rootfs /", entries: [
        { path: "etc/os-release", content: 'ID=debian\nVERSION_ID="13"\nVERSION_CODENAME=trixie\nPRETTY_NAME="Debian GNU/Linux 13 (trixie)"\n' },
        { path: "var/lib/dpkg/status", content: Array.from({ length: 50 }, (_, k) => `Package: p${i}-${k}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.${k}-1\n`).join("\n") },
      ] }] });
      const r = await pushImage(`${reg.host}/team/app${i}:1`, img);
      refs.push(`${reg.host}/team/app${i}:1`, `${reg.host}/team/app${i}@${r.digest}`);
    }
    const osv = join(work, "osv");
    mkdirSync(osv);
    writeFileSync(join(osv, "a.json"), JSON.stringify({ schema_version: "1.6.0", id: "DEBIAN-CVE-2099-1", modified: "2020-01-01T00:00:00Z", affected: [{ package: { ecosystem: "Debian:13", name: "p0-0" }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.0-0" }] }] }] }));
    const db = join(work, "db.sqlite");
    await importPaths(db, [osv]);
    const policy = parsePolicy(`apiVersion: bulwark.dev/v1\nkind: ImagePolicy\nrules:\n  allowedRegistries: [${reg.host}/team/*]\n  vulnerabilities: { maxSeverity: HIGH }\n  forbidRootUser: true\n`, { baseDir: work });
    const verdicts = new admission.VerdictCache({ policy, check: { scan: { cacheDir: join(work, "cache"), vuln: { db, offline: true } } }, registry: {} });
    const ctl = new admission.AdmissionController({ rules: admission.ruleSelection("baseline", undefined), mode: "enforce", failMode: "closed", verdicts });
    let uid = 0;
    const review = (i: number) => {
      const containers = [{ name: "a", image: refs[i % refs.length]!, securityContext: { runAsNonRoot: true } }, { name: "b", image: refs[(i + 3) % refs.length]! }];
      const pod = { metadata: { labels: { app: `a${i}` } }, spec: { containers } };
      const object = i % 2 ? { apiVersion: "v1", kind: "Pod", metadata: { name: `p${i}`, namespace: "shop" }, spec: pod.spec } : { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: `d${i}`, namespace: "shop" }, spec: { selector: { matchLabels: { app: `a${i}` } }, template: pod } };
      return { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: { uid: `u${++uid}`, kind: { group: i % 2 ? "" : "apps", version: "v1", kind: object.kind }, namespace: "shop", operation: "CREATE", object } };
    };
    const t0 = performance.now();
    for (let i = 0; i < refs.length; i++) {
      const r = await ctl.validate(review(i));
      if (!r.response.allowed) throw new Error(`warm-up denied: ${r.response.status?.message}`);
    }
    console.log(`admission: warm-up (cold checks of ${refs.length / 2} images, by tag and digest) ${(performance.now() - t0).toFixed(0)} ms`);

    // Service time: one request at a time (no queueing behind the others), and the CPU time each
    // costs (process.cpuUsage: independent of how busy the machine's other processes keep it).
    const alone: number[] = [];
    const c0 = process.cpuUsage();
    const a0 = performance.now();
    for (let i = 0; i < 2000; i++) {
      const body = review(i);
      const s = performance.now();
      await ctl.validate(body);
      alone.push(performance.now() - s);
    }
    const cpu = process.cpuUsage(c0);
    console.log(line("admission in process, one at a time", alone, performance.now() - a0) + `; CPU ${((cpu.user + cpu.system) / 2000).toFixed(0)} µs per request (building the review included)`);

    // One untimed round of the concurrent pattern first: the first burst of 200 pending requests
    // runs code paths the sequential warm-up did not (measured: 7.5 ms against 1.9 ms for the
    // next rounds), and the target is about warm requests.
    await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => ctl.validate(review(i))));
    const inProc: number[] = [];
    const tails: number[] = [];
    const w0 = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      const r0 = performance.now();
      await Promise.all(Array.from({ length: CONCURRENT }, async (_, i) => {
        const body = review(i);
        const s = performance.now();
        const r = await ctl.validate(body);
        inProc.push(performance.now() - s);
        if (!r.response.allowed) throw new Error("denied");
      }));
      tails.push(performance.now() - r0);
    }
    console.log(line(`admission in process (${ROUNDS} rounds of ${CONCURRENT} concurrent, from the start of each round)`, inProc, performance.now() - w0));
    // Each round's whole burst (its last answer): one slow round (a GC pause, the process preempted) sets the p99.
    console.log(`admission in process: each round's burst ${tails.map((t) => t.toFixed(1)).join(", ")} ms`);

    const dir = join(work, "tls");
    mkdirSync(dir);
    execFileSync(toolPath("openssl"), ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "k.pem"), "-out", join(dir, "c.pem"), "-days", "1", "-subj", "/CN=bench", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    const server = await admission.serveAdmission(ctl, { listen: "127.0.0.1:0", tlsCert: join(dir, "c.pem"), tlsKey: join(dir, "k.pem"), certReloadMs: 0 });
    const agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENT, rejectUnauthorized: false });
    const post = (body: string) => new Promise<number>((resolve, reject) => {
      const req = https.request({ host: "127.0.0.1", port: server.port, path: "/validate", method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end(body);
    });
    // One round to open the connections (TLS handshakes), then the timed rounds.
    await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => post(JSON.stringify(review(i)))));
    const overHttps: number[] = [];
    const h0 = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(Array.from({ length: CONCURRENT }, async (_, i) => {
        const body = JSON.stringify(review(i));
        const s = performance.now();
        const status = await post(body);
        overHttps.push(performance.now() - s);
        if (status !== 200) throw new Error(`HTTP ${status}`);
      }));
    }
    console.log(line(`admission over HTTPS (${ROUNDS} rounds of ${CONCURRENT} concurrent, keep-alive)`, overHttps, performance.now() - h0));
    console.log(`admission: peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    agent.destroy();
    await server.close();
    verdicts.close();
  } finally {
    await reg.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
