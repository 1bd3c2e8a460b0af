// `bulwark admission install`: the manifests that run the webhook in a cluster. A CA and a serving
// certificate for the Service's DNS names are made with the openssl command line (Node's crypto
// cannot issue X.509 certificates); the CA goes into the webhook configurations' caBundle.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { UserError } from "../errors.js";
import { WORKLOAD_RESOURCES } from "./objects.js";

export interface InstallOptions {
  namespace: string;
  /** Container image of Bulwark (default ghcr.io/bulwark-dev/bulwark:VERSION). */
  image: string;
  name?: string;
  mode?: string;
  failMode?: "open" | "closed";
  pss?: string;
  /** Policy file content, put in a ConfigMap and passed with --policy. */
  policy?: { text: string };
  /** Also register the mutating webhook (pins tags to digests). */
  mutating?: boolean;
  /** Certificates valid for this many days (default 365). */
  days?: number;
  /** An existing CA (PEM files) to sign with; a new one is made otherwise. */
  ca?: { cert: string; key: string };
  /** Where openssl is (default: found on PATH). */
  openssl?: string;
  timeoutSeconds?: number;
  replicas?: number;
}

export interface InstallOutput {
  yaml: string;
  caCert: string;
  caKey?: string;
  serverCert: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A CA and a serving certificate for `names` (DNS), signed by it. */
export function makeServingCertificate(names: string[], days: number, openssl = "openssl", ca?: { cert: string; key: string }): { caCert: string; caKey?: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "bw-adm-certs-"));
  const run = (args: string[]) => {
    try {
      execFileSync(openssl, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      const err = e as { code?: string; stderr?: Buffer };
      if (err.code === "ENOENT") throw new UserError("NOT_FOUND", "openssl is needed to make the webhook's certificates (apt-get install openssl)");
      throw new UserError("INPUT", `openssl failed: ${String(err.stderr ?? "").trim().split("\n")[0]}`);
    }
  };
  try {
    let caCert: string, caKeyFile: string, caKey: string | undefined;
    if (ca) {
      caCert = join(dir, "ca.crt");
      caKeyFile = join(dir, "ca.key");
      writeFileSync(caCert, readFileSync(ca.cert));
      writeFileSync(caKeyFile, readFileSync(ca.key), { mode: 0o600 });
    } else {
      caCert = join(dir, "ca.crt");
      caKeyFile = join(dir, "ca.key");
      run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", caKeyFile, "-out", caCert, "-days", String(days), "-subj", "/CN=bulwark-admission-ca", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
      caKey = readFileSync(caKeyFile, "utf8");
    }
    run(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "tls.key", "-out", "tls.csr", "-subj", `/CN=${names[0]}`]);
    writeFileSync(join(dir, "ext.cnf"), `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${names.map((n) => (/^[\d.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(",")}\n`);
    run(["x509", "-req", "-in", "tls.csr", "-CA", caCert, "-CAkey", caKeyFile, "-CAcreateserial", "-out", "tls.crt", "-days", String(days), "-sha256", "-extfile", "ext.cnf"]);
    const out = { caCert: readFileSync(caCert, "utf8"), cert: readFileSync(join(dir, "tls.crt"), "utf8"), key: readFileSync(join(dir, "tls.key"), "utf8") };
    return caKey ? { ...out, caKey } : out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function installManifests(o: InstallOptions): InstallOutput {
  const ns = o.namespace;
  const name = o.name ?? "bulwark-admission";
  if (!DNS_LABEL.test(ns)) throw new UserError("USAGE", `--namespace must be a DNS label (lowercase letters, digits, '-'), got "${ns}"`);
  if (!DNS_LABEL.test(name)) throw new UserError("USAGE", `--name must be a DNS label, got "${name}"`);
  if (/\s/.test(o.image) || o.image === "") throw new UserError("USAGE", `--image must be an image reference, got "${o.image}"`);
  const days = o.days ?? 365;
  const dns = [`${name}.${ns}.svc`, `${name}.${ns}.svc.cluster.local`, `${name}.${ns}`, name];
  const certs = makeServingCertificate(dns, days, o.openssl, o.ca);
  const labels = { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "bulwark" };
  const failMode = o.failMode ?? "closed";
  const namespaceReader = `${name}:${ns}:namespaces`;
  const args = ["admission", "serve", "--listen", ":8443", "--tls-cert", "/tls/tls.crt", "--tls-key", "/tls/tls.key", "--mode", o.mode ?? "enforce", "--fail", failMode, "--pss", o.pss ?? "baseline", "--exempt-namespace", `kube-system,${ns}`, "--cache-dir", "/cache"];
  if (o.policy) args.push("--policy", "/policy/policy.yaml");
  const volumes: unknown[] = [{ name: "tls", secret: { secretName: `${name}-tls` } }, { name: "cache", emptyDir: {} }];
  const mounts: unknown[] = [{ name: "tls", mountPath: "/tls", readOnly: true }, { name: "cache", mountPath: "/cache" }];
  if (o.policy) {
    volumes.push({ name: "policy", configMap: { name: `${name}-policy` } });
    mounts.push({ name: "policy", mountPath: "/policy", readOnly: true });
  }
  const docs: unknown[] = [
    // Its token is mounted in the webhook's pods only: it reads namespaces' Pod Security labels.
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: ns, labels }, automountServiceAccountToken: false },
    // Namespaces' pod-security.kubernetes.io labels decide the level applied there: read-only
    // access to Namespace objects, nothing else; printed before the Deployment, whose pods list
    // namespaces when they start.
    { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: namespaceReader, labels }, rules: [{ apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "watch"] }] },
    {
      apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: namespaceReader, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: namespaceReader },
      subjects: [{ kind: "ServiceAccount", name, namespace: ns }],
    },
    { apiVersion: "v1", kind: "Secret", metadata: { name: `${name}-tls`, namespace: ns, labels }, type: "kubernetes.io/tls", data: { "tls.crt": b64(certs.cert), "tls.key": b64(certs.key), "ca.crt": b64(certs.caCert) } },
  ];
  if (o.policy) docs.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${name}-policy`, namespace: ns, labels }, data: { "policy.yaml": o.policy.text } });
  docs.push(
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: ns, labels },
      spec: {
        replicas: o.replicas ?? 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: true,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: "webhook",
                image: o.image,
                args,
                ports: [{ name: "https", containerPort: 8443 }],
                readinessProbe: { httpGet: { path: "/readyz", port: 8443, scheme: "HTTPS" }, periodSeconds: 5 },
                livenessProbe: { httpGet: { path: "/healthz", port: 8443, scheme: "HTTPS" }, periodSeconds: 20 },
                resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                volumeMounts: mounts,
              },
            ],
            volumes,
          },
        },
      },
    },
    { apiVersion: "v1", kind: "Service", metadata: { name, namespace: ns, labels }, spec: { selector: labels, ports: [{ name: "https", port: 443, targetPort: 8443 }] } },
  );
  const webhook = (path: string, kind: string) => ({
    name: `${kind}.${name}.bulwark.dev`,
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
    timeoutSeconds: o.timeoutSeconds ?? 10,
    failurePolicy: failMode === "open" ? "Ignore" : "Fail",
    clientConfig: { service: { name, namespace: ns, path, port: 443 }, caBundle: b64(certs.caCert) },
    // Never the webhook's own namespace or kube-system (the cluster must be able to repair
    // itself), nor namespaces labelled bulwark.dev/admission=exempt.
    namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", ns] }, { key: "bulwark.dev/admission", operator: "NotIn", values: ["exempt"] }] },
    rules: rulesByGroup(),
  });
  docs.push({ apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", metadata: { name, labels }, webhooks: [webhook("/validate", "validate")] });
  if (o.mutating) docs.push({ apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name, labels }, webhooks: [{ ...webhook("/mutate", "pin"), reinvocationPolicy: "IfNeeded" }] });
  const yaml = docs.map((d) => stringify(d, { lineWidth: 0 })).join("---\n");
  const out: InstallOutput = { yaml, caCert: certs.caCert, serverCert: certs.cert };
  if (certs.caKey) out.caKey = certs.caKey;
  return out;
}

/** Webhook rules: CREATE and UPDATE of pods (and their ephemeral containers) and every workload kind. */
export function rulesByGroup(): unknown[] {
  const groups = new Map<string, string[]>();
  for (const r of WORKLOAD_RESOURCES) groups.set(r.group, [...(groups.get(r.group) ?? []), r.resource]);
  groups.get("")!.push("pods/ephemeralcontainers");
  return [...groups].map(([group, resources]) => ({ apiGroups: [group], apiVersions: ["*"], operations: ["CREATE", "UPDATE"], resources, scope: "Namespaced" }));
}

function b64(s: string): string {
  return Buffer.from(s).toString("base64");
}
