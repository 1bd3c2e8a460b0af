// `bulwark admission serve` (the validating and mutating webhook) and `bulwark admission install`
// (the manifests that run it in a cluster). docs/admission.md.
import { advisoryOptions, advisorySettings, cacheOptions, cacheSettings, registryAccess, registryAccessOptions, splitList, type CacheFlags, type RegistryAccessFlags, type AdvisoryFlags } from "./common.js";
import { Option, type Command } from "commander";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { admission, cosignPolicyVerifier, loadCel, loadK8s, loadPolicy, parseDuration, toolVersion, UserError, type CelPolicySet, type PolicyCheckOptions, type ScanOptions } from "../index.js";
import { writeOutput } from "./output.js";

export interface AdmissionCliHooks {
  setDebug(on: boolean): void;
}

interface ServeFlags extends RegistryAccessFlags, CacheFlags, AdvisoryFlags {
  listen: string;
  tlsCert: string;
  tlsKey: string;
  policy?: string;
  policyDir?: string[];
  pss: string;
  pssVersion?: string;
  pssConfig?: string;
  rules?: string;
  mode: "enforce" | "warn" | "audit";
  fail: "open" | "closed";
  exemptNamespace?: string[];
  timeout: string;
  verdictTtl: string;
  tagTtl: string;
  maxBody?: string;
  platform?: string;
  ignorefile?: string;
  vex?: string[];
  kubeconfig?: string;
  context?: string;
  server?: string;
  token?: string;
  serverTimeout: string;
  namespaceLabels: boolean;
  namespaceTtl: string;
  quiet?: boolean;
  debug?: boolean;
}

/**
 * Where the namespaces' Pod Security labels come from: --kubeconfig, else $KUBECONFIG,
 * ~/.kube/config or the in-cluster ServiceAccount when one of them is there; undefined when the
 * webhook has no way to the API (it then applies --pss everywhere, as before).
 */
function kubeSource(flags: ServeFlags): { kubeconfig?: string; context?: string } | undefined {
  if (!flags.namespaceLabels) return undefined;
  if (flags.kubeconfig) return { kubeconfig: flags.kubeconfig, ...(flags.context ? { context: flags.context } : {}) };
  const found = !!process.env.KUBECONFIG || existsSync(join(homedir(), ".kube", "config")) || !!process.env.KUBERNETES_SERVICE_HOST;
  if (!found) {
    if (flags.context) throw new UserError("USAGE", "--context needs a kubeconfig (--kubeconfig or $KUBECONFIG)");
    return undefined;
  }
  return flags.context ? { context: flags.context } : {};
}

/** "8s", "500ms", "1h30m"; "0" for none where allowed. */
function duration(text: string, flag: string, allowZero = false): number {
  const t = text.trim();
  if (allowZero && t === "0") return 0;
  const ms = /^(\d{1,7})ms$/.exec(t);
  if (ms) {
    const n = Number(ms[1]);
    if (n > 0) return n;
  }
  try {
    return parseDuration(t);
  } catch {
    throw new UserError("USAGE", `${flag} must be a duration such as 500ms, 8s, 5m or 1h${allowZero ? " (or 0)" : ""}, got "${text}"`);
  }
}

/**
 * Users' CEL policies as an admission check: each violation names the policy (and binding) and
 * keeps the binding's validationActions: Deny as the mode says, Warn only warns, Audit only
 * annotates. Namespace objects are not known to the webhook: namespaceSelectors see none.
 */
function celCheck(cel: Awaited<ReturnType<typeof loadCel>>, policies: CelPolicySet): admission.ExtraCheck {
  return ({ object, oldObject, request }) => {
    const raw = request.raw;
    const user = typeof raw.userInfo === "object" && raw.userInfo !== null ? (raw.userInfo as { username?: unknown; groups?: unknown }) : undefined;
    const ctx: Parameters<typeof cel.evaluateCelPolicies>[1] = { policies, operation: request.operation === "UPDATE" ? "UPDATE" : "CREATE", oldObject: oldObject ?? null };
    if (user && typeof user.username === "string") ctx.userInfo = { username: user.username, groups: Array.isArray(user.groups) ? user.groups.filter((g): g is string => typeof g === "string") : [] };
    return cel.evaluateCelPolicies(object, ctx).map((v) => {
      const out: admission.Violation = { rule: `cel/${v.policy}`, title: v.reason, message: v.message, evidence: [`${v.binding ? `binding ${v.binding}, ` : ""}${v.where}${v.expression ? `: ${v.expression}` : ""}`] };
      if (!v.actions.includes("Deny")) out.action = v.actions.includes("Warn") ? "warn" : "audit";
      return out;
    });
  };
}

export function registerAdmission(program: Command, hooks: AdmissionCliHooks): void {
  const cmd = program.command("admission").description("Kubernetes admission webhook: image policy and Pod Security at admission time");
  advisoryOptions(registryAccessOptions(cacheOptions(cmd
    .command("serve")
    .description("serve the validating (/validate) and mutating (/mutate) webhook over HTTPS (AdmissionReview v1)")
    .requiredOption("--listen <addr>", "address to listen on: HOST:PORT or :PORT")
    .requiredOption("--tls-cert <file>", "serving certificate (PEM; reloaded when the file changes)")
    .requiredOption("--tls-key <file>", "its private key (PEM)")
    .option("--policy <file>", "image policy (ImagePolicy, docs/policy.md) applied to every container image")
    .option("--policy-dir <dir>", "ValidatingAdmissionPolicy (CEL) files and their bindings and params, applied to every checked object (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
    .addOption(new Option("--pss <level>", "Pod Security Standards level enforced (privileged: none)").choices(["privileged", "baseline", "restricted"]).default("baseline"))
    .option("--pss-version <version>", "Pod Security Standards version: v1.N or latest", "latest")
    .option("--pss-config <file>", "the API server's Pod Security admission configuration (AdmissionConfiguration or PodSecurityConfiguration): its defaults replace --pss for namespaces without labels, its exempt namespaces, runtime classes and users are not Pod Security checked")
    .option("--rules <ids>", "more `bulwark config` Kubernetes rules to apply (comma-separated ids, e.g. BW-K8S-021,BW-K8S-023)")
    .addOption(new Option("--mode <mode>", "enforce: deny; warn: admit with warnings; audit: admit with audit annotations").choices(["enforce", "warn", "audit"]).default("enforce"))
    .addOption(new Option("--fail <mode>", "when a verdict is unknown (image not checked in time, registry down): open admits, closed denies").choices(["open", "closed"]).default("closed"))
    .option("--exempt-namespace <names>", "namespaces admitted without checks (comma-separated, repeatable)", (v: string, acc: string[] = []) => [...acc, ...splitList(v)])
    .option("--timeout <duration>", "answer every request within this time (the API server waits 10 s at most)", "8s")
    .option("--verdict-ttl <duration>", "how long an image verdict is reused", "1h")
    .option("--tag-ttl <duration>", "how long a tag's digest is reused (0: resolve on every request)", "30s")
    .option("--max-body <bytes>", "largest request body accepted", String(admission.DEFAULT_MAX_BODY))
    .option("--platform <os/arch[/variant]>", "platform checked in multi-platform images (default linux/amd64)"))))
    .option("--ignorefile <file>", "vulnerability ignore rules (YAML)")
    .option("--vex <file>", "OpenVEX or CycloneDX VEX document (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--server <url>", "a Bulwark server: an image's stored inventory (by digest) is used before the webhook pulls the image itself")
    .option("--token <token>", "API token (reader) for --server (default: $BULWARK_TOKEN)")
    .option("--server-timeout <duration>", "how long a --server lookup may take before the webhook scans the image itself", "1500ms")
    .option("--kubeconfig <file>", "read namespaces' Pod Security labels with this kubeconfig (default: $KUBECONFIG, ~/.kube/config, else the in-cluster ServiceAccount when present)")
    .option("--context <name>", "kubeconfig context for the namespace labels")
    .option("--no-namespace-labels", "do not read namespaces' pod-security.kubernetes.io labels: apply --pss everywhere")
    .option("--namespace-ttl <duration>", "how long a namespace's labels are used before they are read again (used up to 6x longer while a refresh runs)", "10s")
    .option("-q, --quiet", "no log lines on stderr")
    .option("--debug", "show stack traces on errors")
    .action(async (flags: ServeFlags, command: Command) => {
      hooks.setDebug(!!flags.debug);
      const log = flags.quiet ? undefined : (line: string) => process.stderr.write(`bulwark admission: ${line.replace(/\p{Cc}/gu, "?")}\n`);
      let pssConfig: admission.PssConfig | undefined;
      if (flags.pssConfig) {
        for (const f of ["pss", "pssVersion"]) if (command.getOptionValueSource(f) === "cli") throw new UserError("USAGE", `--pss-config gives the default levels and versions: it excludes --${f === "pss" ? "pss" : "pss-version"}`);
        pssConfig = admission.loadPssConfig(flags.pssConfig);
      }
      const enforceDefault = pssConfig?.defaults.enforce;
      const rules = admission.ruleSelection(enforceDefault?.level ?? flags.pss, enforceDefault?.version.label ?? flags.pssVersion, flags.rules ? splitList(flags.rules) : []);
      const timeoutMs = duration(flags.timeout, "--timeout");
      if (timeoutMs > 29_000) throw new UserError("USAGE", "--timeout must be below 30s (the API server waits at most 30 s for a webhook)");
      const maxBody = Number(flags.maxBody);
      if (!Number.isInteger(maxBody) || maxBody < 1024) throw new UserError("USAGE", `--max-body must be a number of bytes (at least 1024), got "${flags.maxBody}"`);
      const options: ConstructorParameters<typeof admission.AdmissionController>[0] = { rules, mode: flags.mode, failMode: flags.fail, exemptNamespaces: flags.exemptNamespace ?? [], timeoutMs };
      if (log) options.log = log;
      if (pssConfig) options.pssConfig = pssConfig;
      let verdicts: InstanceType<typeof admission.VerdictCache> | undefined;
      if (flags.policy) {
        const policy = loadPolicy(flags.policy);
        const access = await registryAccess(flags);
        const scan: ScanOptions = { ...cacheSettings(flags), ...access };
        if (flags.platform) scan.platform = flags.platform;
        const vuln = advisorySettings(flags);
        if (flags.ignorefile) vuln.ignoreFile = flags.ignorefile;
        if (flags.vex) vuln.vex = flags.vex;
        scan.vuln = vuln;
        const check: PolicyCheckOptions = { scan, verifier: cosignPolicyVerifier(access) };
        const cacheDir = flags.cache ? (flags.cacheDir ?? process.env.BULWARK_CACHE_DIR) : undefined;
        let serverInventory: admission.InventoryLookup | undefined;
        if (flags.server) {
          const token = flags.token ?? process.env.BULWARK_TOKEN;
          if (!token) throw new UserError("USAGE", "--server needs a token: --token T or BULWARK_TOKEN");
          if (!/^https?:\/\/[^\s]+$/.test(flags.server)) throw new UserError("USAGE", `--server must be an http:// or https:// URL, got "${flags.server}"`);
          const serverTimeout = duration(flags.serverTimeout, "--server-timeout");
          if (serverTimeout >= timeoutMs) throw new UserError("USAGE", "--server-timeout must be shorter than --timeout");
          serverInventory = admission.serverInventoryLookup({ url: flags.server, token, timeoutMs: serverTimeout });
        } else if (flags.token) throw new UserError("USAGE", "--token goes with --server");
        verdicts = new admission.VerdictCache({
          policy, check, registry: access,
          ...(serverInventory ? { serverInventory } : {}),
          verdictTtlMs: duration(flags.verdictTtl, "--verdict-ttl"),
          tagTtlMs: duration(flags.tagTtl, "--tag-ttl", true),
          ...(cacheDir ? { cacheDir } : {}),
        });
        if (log) verdicts.onWriteError = (m) => log(`verdict not saved: ${m}`);
        if (log) verdicts.onServerError = (m) => log(`server lookup failed, scanning the image itself: ${m}`);
        options.verdicts = verdicts;
      }
      if ((flags.server || flags.token) && !flags.policy) throw new UserError("USAGE", "--server serves image verdicts: it needs --policy");
      if (flags.policyDir) {
        const cel = await loadCel();
        options.extraChecks = [celCheck(cel, cel.loadCelPolicies(flags.policyDir))];
      }
      const source = kubeSource(flags);
      let labelsFrom = "none (--pss everywhere)";
      if (source) {
        const ttl = duration(flags.namespaceTtl, "--namespace-ttl");
        const { connectKube, kubeStatusMessage } = await loadK8s();
        const client = await connectKube({ ...source, timeoutMs: Math.min(5000, timeoutMs), maxBodyBytes: 1 << 20 });
        // Checked before listening: credentials that cannot read namespaces are a setup error.
        let probe: Awaited<ReturnType<typeof client.get>>;
        try {
          probe = await client.get("/api/v1/namespaces?limit=1");
        } catch (e) {
          throw new UserError("NETWORK", `cannot reach the API server ${client.server} to read namespace labels: ${(e as Error).message.split("\n")[0]} (--no-namespace-labels to apply --pss everywhere)`);
        }
        if (probe.status !== 200) throw new UserError("INPUT", `cannot list namespaces on ${client.server} (HTTP ${probe.status}: ${kubeStatusMessage(probe.body)}); the webhook needs get/list/watch on namespaces (admission install grants it), or --no-namespace-labels`);
        options.namespaces = new admission.NamespaceLabels({ get: (path) => client.get(path), ttlMs: ttl, maxStaleMs: ttl * 6, ...(pssConfig ? { defaults: pssConfig.defaults } : {}) });
        labelsFrom = client.server;
      }
      const controller = new admission.AdmissionController(options);
      const server = await admission.serveAdmission(controller, { listen: flags.listen, tlsCert: flags.tlsCert, tlsKey: flags.tlsKey, maxBodyBytes: maxBody, ...(log ? { log } : {}) });
      log?.(`listening on https://${server.address} (mode ${flags.mode}, fail ${flags.fail}, pss ${pssConfig ? `${rules.level} (defaults of ${flags.pssConfig}, ${pssConfig.exemptions.namespaces.length + pssConfig.exemptions.runtimeClasses.length + pssConfig.exemptions.usernames.length} exemptions)` : flags.pss}${options.namespaces ? " unless a namespace label says otherwise" : ""}, namespace labels from ${labelsFrom}${flags.policy ? `, policy ${flags.policy}` : ""})`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGTERM", stop);
        process.once("SIGINT", stop);
      });
      log?.("shutting down");
      await server.close();
      verdicts?.close();
    });

  cmd
    .command("install")
    .description("print the Deployment, Service, TLS Secret and webhook configurations for a cluster (kubectl apply -f -)")
    .requiredOption("--namespace <ns>", "namespace the webhook runs in")
    .option("--image <image>", "Bulwark's container image", `ghcr.io/bulwark-dev/bulwark:${toolVersion()}`)
    .option("--name <name>", "name of the Deployment, Service and webhook configurations", "bulwark-admission")
    .option("--policy <file>", "image policy to ship in a ConfigMap (checked before it is printed)")
    .addOption(new Option("--pss <level>", "Pod Security Standards level").choices(["privileged", "baseline", "restricted"]).default("baseline"))
    .addOption(new Option("--mode <mode>", "enforce, warn or audit").choices(["enforce", "warn", "audit"]).default("enforce"))
    .addOption(new Option("--fail <mode>", "open (failurePolicy Ignore) or closed (Fail)").choices(["open", "closed"]).default("closed"))
    .option("--mutating", "also register the mutating webhook that pins image tags to verified digests")
    .option("--days <n>", "certificate validity in days", "365")
    .option("--ca-cert <file>", "sign the serving certificate with this CA (rotation keeps the caBundle) instead of a new one")
    .option("--ca-key <file>", "the CA's private key")
    .option("--ca-out <dir>", "write the new CA's ca.crt and ca.key (mode 0600) here, to sign renewed certificates later")
    .option("-o, --output <file>", "write the manifests to a file instead of stdout")
    .option("--debug", "show stack traces on errors")
    .action(async (flags: { namespace: string; image: string; name: string; policy?: string; pss: string; mode: string; fail: "open" | "closed"; mutating?: boolean; days: string; caCert?: string; caKey?: string; caOut?: string; output?: string; debug?: boolean }) => {
      hooks.setDebug(!!flags.debug);
      const days = Number(flags.days);
      if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UserError("USAGE", `--days must be 1-3650, got "${flags.days}"`);
      if (!!flags.caCert !== !!flags.caKey) throw new UserError("USAGE", "--ca-cert and --ca-key go together");
      const opts: Parameters<typeof admission.installManifests>[0] = { namespace: flags.namespace, image: flags.image, name: flags.name, mode: flags.mode, failMode: flags.fail, pss: flags.pss, days };
      if (flags.policy) {
        loadPolicy(flags.policy);
        opts.policy = { text: readFileSync(flags.policy, "utf8") };
      }
      if (flags.mutating) opts.mutating = true;
      if (flags.caCert && flags.caKey) opts.ca = { cert: flags.caCert, key: flags.caKey };
      if (flags.caOut && flags.caCert) throw new UserError("USAGE", "--ca-out writes a new CA; with --ca-cert the CA is yours already");
      const out = admission.installManifests(opts);
      if (flags.caOut) {
        mkdirSync(flags.caOut, { recursive: true, mode: 0o700 });
        writeFileSync(join(flags.caOut, "ca.crt"), out.caCert);
        writeFileSync(join(flags.caOut, "ca.key"), out.caKey!, { mode: 0o600 });
      }
      await writeOutput(out.yaml, flags.output);
    });
}
