// `bulwark k8s scan`: a live cluster through its API (docs/kubernetes.md, "Live clusters").
// Registered on the shared `k8s` command, which other files may also add to.
import { advisoryOptions, advisorySettings, cacheOptions, cacheSettings, parseExitCode, parseSeverities, registryAccess, registryAccessOptions, SEVERITIES, splitList, type CacheFlags, type RegistryAccessFlags, type AdvisoryFlags } from "./common.js";
import { Option, type Command } from "commander";
import { admission, loadCel, loadK8s, SCANNERS, UserError, type ClusterScanOptions, type ClusterScanReport, type ScanOptions } from "../index.js";
import { writeOutput } from "./output.js";
import { postReport, reportsUrl } from "./server.js";

interface Flags extends RegistryAccessFlags, CacheFlags, AdvisoryFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string[];
  allNamespaces?: boolean;
  format: string;
  output?: string;
  scanners: string;
  images: boolean;
  usePullSecrets?: boolean;
  server?: string;
  policyDir?: string;
  pssConfig?: string;
  simpleReach?: boolean;
  token?: string;
  clusterName?: string;
  severity?: string;
  ignoreUnfixed?: boolean;
  pageSize: string;
  concurrency: string;
  top: string;
  exitCode?: string;
  quiet?: boolean;
  debug?: boolean;
}

export interface K8sHooks {
  setDebug(on: boolean): void;
  exit(code: number): never;
}

const repeat = (v: string, acc: string[] = []): string[] => [...acc, v];

function positive(s: string, flag: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new UserError("USAGE", `${flag} must be a positive integer, got "${s}"`);
  return n;
}

const UPLOAD_TIMEOUT_MS = 300_000;

/** POSTs the cluster report (compact JSON, built in pieces) to /api/v1/k8s/reports. */
async function postClusterReport(url: URL, token: string, report: ClusterScanReport, chunks: (r: ClusterScanReport, o: { compact: boolean }) => Iterable<string>): Promise<{ cluster: string; misconfigurations: number; risks: number }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: new Blob([...chunks(report, { compact: true })]),
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    throw new UserError("NETWORK", `cluster report upload to ${url.origin} failed: ${cause ?? (e as Error).message}`);
  }
  const text = (await res.text()).slice(0, 64 * 1024);
  let body: { cluster?: string; misconfigurations?: number; risks?: number; error?: { message?: string } } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    /* not JSON */
  }
  if (!res.ok) throw new UserError(res.status === 401 || res.status === 403 ? "AUTH" : "INPUT", `cluster report upload to ${url.origin} refused (HTTP ${res.status}): ${(body.error?.message ?? text.slice(0, 200)).replace(/\p{Cc}/gu, "?")}`);
  return { cluster: body.cluster ?? "", misconfigurations: body.misconfigurations ?? 0, risks: body.risks ?? 0 };
}

export function registerK8s(program: Command, hooks: K8sHooks): void {
  const k8s = program.commands.find((c) => c.name() === "k8s") ?? program.command("k8s").description("live Kubernetes clusters: scan, RBAC, admission");
  advisoryOptions(registryAccessOptions(cacheOptions(k8s
    .command("scan")
    .description("scan a live cluster: Kubernetes rules on its objects, its running images, its own versions, exposure ranking")
    .option("--kubeconfig <file>", "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, else the in-cluster service account)")
    .option("--context <name>", "kubeconfig context (default: its current context)")
    .option("-n, --namespace <ns>", "only this namespace (repeatable); cluster-scoped objects are still read", repeat)
    .option("-A, --all-namespaces", "every namespace (the default)")
    .addOption(new Option("-f, --format <format>", "output format").choices(["table", "json", "sarif"]).default("table"))
    .option("-o, --output <file>", "write the report to a file (atomically) instead of stdout")
    .option("--scanners <list>", `scanners for the running images: ${SCANNERS.join(", ")} (package always runs); with vuln the cluster's own versions are matched too`, "vuln")
    .option("--no-images", "do not pull and scan the running images (rules and inventory only)")
    .option("--use-pull-secrets", "pull images with the credentials of the pods' imagePullSecrets (reads those Secrets through the API)")
    .option("--severity <list>", `report only these severities (${SEVERITIES.join(",")})`)
    .option("--ignore-unfixed", "report only vulnerabilities that have a fix")
    .option("--page-size <n>", "objects per list request (limit/continue)", "500")
    .option("--concurrency <n>", "images scanned at once", "2")
    .option("--top <n>", "table: how many top risks to show", "10")
    .option("--exit-code <n>", "exit with this code when any misconfiguration or vulnerability is reported (0 otherwise)")
    .option("--policy-dir <dir>", "also apply the ValidatingAdmissionPolicies (CEL) in this directory, with their bindings and params")
    .option("--pss-config <file>", "the API server's Pod Security admission configuration (AdmissionConfiguration or PodSecurityConfiguration): its enforce default applies to namespaces without labels, its exempt namespaces and runtime classes are reported as exempt")
    .option("--simple-reach", "rank exposure with direct ServiceAccount bindings only (faster on very large clusters), not the full RBAC escalation analysis")
    .option("--server <url>", "also send the cluster report (POST /api/v1/k8s/reports) and each running image's inventory (POST /api/v1/reports) to a Bulwark server")
    .option("--token <token>", "API token for --server (default: $BULWARK_TOKEN)")
    .option("--cluster-name <name>", "name the server stores the cluster report under (default: the kubeconfig context, else the API server's host)"))))
    .option("-q, --quiet", "no progress or warnings on stderr")
    .option("--debug", "show stack traces on errors")
    .action(async (flags: Flags) => {
      hooks.setDebug(!!flags.debug);
      if (flags.namespace && flags.allNamespaces) throw new UserError("USAGE", "--namespace and --all-namespaces exclude each other");
      const exitCode = flags.exitCode === undefined ? 0 : parseExitCode(flags.exitCode);
      const scanners = splitList(flags.scanners).map((s) => s.toLowerCase());
      const unknown = scanners.filter((s) => !(SCANNERS as readonly string[]).includes(s));
      if (unknown.length) throw new UserError("USAGE", `unknown scanner(s): ${unknown.join(", ")} (available: ${SCANNERS.join(", ")})`);
      if (!scanners.includes("package")) scanners.push("package");
      const severities = flags.severity ? parseSeverities(flags.severity) : undefined;
      const pssConfig = flags.pssConfig ? admission.loadPssConfig(flags.pssConfig) : undefined;
      const vuln = advisorySettings(flags);
      if (severities) vuln.severities = severities;
      if (flags.ignoreUnfixed) vuln.ignoreUnfixed = true;
      const imageScan: ScanOptions = { ...cacheSettings(flags), ...(await registryAccess(flags)), scanners, vuln };
      const { clusterJsonChunks, rbacReach, scanCluster, writeClusterSarif, writeClusterTable } = await loadK8s();
      const opts: ClusterScanOptions = {
        collect: {
          ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
          ...(flags.context ? { context: flags.context } : {}),
          ...(flags.namespace ? { namespaces: flags.namespace } : {}),
          pageSize: positive(flags.pageSize, "--page-size"),
        },
        images: flags.images,
        ...(flags.usePullSecrets ? { pullSecrets: true } : {}),
        imageScan,
        imageConcurrency: positive(flags.concurrency, "--concurrency"),
        components: scanners.includes("vuln") ? vuln : false,
        // ServiceAccount reach for the risk ranking: the RBAC engine (aggregation, groups,
        // escalation hops), as `k8s escalation` computes it.
        ...(flags.simpleReach ? {} : { reach: rbacReach }),
        ...(flags.policyDir ? { celPolicies: (await loadCel()).loadCelPolicies(flags.policyDir) } : {}),
        ...(pssConfig ? { pssConfig } : {}),
      };
      if (severities) opts.severities = severities;
      let clusterUpload: URL | undefined;
      const token = flags.token ?? process.env.BULWARK_TOKEN;
      if (flags.server) {
        // Checked before the scan starts; a refused image upload becomes a warning of the scan.
        const url = reportsUrl(flags.server, token);
        opts.onImageReport = async (r) => void (await postReport(url, token!, r));
        clusterUpload = new URL("k8s/reports", url);
        if (flags.clusterName !== undefined) {
          if (!/^[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,252}$/.test(flags.clusterName)) throw new UserError("USAGE", `--cluster-name must be 1-253 letters, digits and ._:@/+- (starting with a letter or digit), got "${flags.clusterName}"`);
          clusterUpload.searchParams.set("cluster", flags.clusterName);
        }
      } else if (flags.clusterName !== undefined) throw new UserError("USAGE", "--cluster-name goes with --server");
      if (!flags.quiet && process.stderr.isTTY) opts.onImage = (e) => process.stderr.write(`bulwark: image ${e.index}/${e.total} ${e.ref}: ${e.status}\n`);
      const report = await scanCluster(opts);
      if (clusterUpload) {
        // As for the images' inventories: a refused or failed upload is a warning and an error of the report, not fatal.
        try {
          const stored = await postClusterReport(clusterUpload, token!, report, clusterJsonChunks);
          if (!flags.quiet) process.stderr.write(`bulwark: cluster report stored on ${clusterUpload.origin} as "${stored.cluster.replace(/\p{Cc}/gu, "?")}" (${stored.misconfigurations} misconfigurations, ${stored.risks} risks)\n`);
        } catch (e) {
          report.errors.push({ source: "upload", message: (e as Error).message });
        }
      }
      const tableOnStdout = flags.format === "table" && !flags.output;
      if (!flags.quiet && !tableOnStdout) for (const e of report.errors) process.stderr.write(`bulwark: warning: ${e.message.replace(/\p{Cc}/gu, "?")}\n`);
      const text = flags.format === "json" ? clusterJsonChunks(report) : flags.format === "sarif" ? await writeClusterSarif(report) : writeClusterTable(report, { topRisks: positive(flags.top, "--top") });
      await writeOutput(text, flags.output);
      const found = report.misconfigurations.length > 0 || SEVERITIES.some((s) => report.summary.vulnerabilities[s] > 0);
      if (exitCode !== 0 && found) hooks.exit(exitCode);
    });
}

