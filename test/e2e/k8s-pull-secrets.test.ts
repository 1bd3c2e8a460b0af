// --use-pull-secrets: a private image in a real registry with htpasswd auth, its credentials in a
// kubernetes.io/dockerconfigjson Secret named by the pod (or its ServiceAccount); scanned only
// when the user allows reading the Secrets, and the password never printed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage } from "../../src/image/registry/push.js";
import { credentialsOfSecret } from "../../src/k8s/pull-secrets.js";
import { buildImage } from "../support/image-builder.js";
import { missingKube, startKubeApiServer, type KubeApiServer } from "../support/kube-apiserver.js";
import { REGISTRY_AUTH_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";

const BIN = new URL("../../dist/src/cli/main.js", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-k8s-pull-"));
const PASSWORD = "pull-s3cret-Pa55word";

function bulwark(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, BULWARK_CACHE_DIR: join(work, "cache"), DOCKER_CONFIG: join(work, "nodocker") }, timeout: 300_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("credentialsOfSecret", () => {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  it("reads dockerconfigjson (auth or username/password) and legacy dockercfg", () => {
    const json = { auths: { "https://index.docker.io/v1/": { auth: b64("hub:pw:with:colons") }, "registry.example:5000": { username: "u", password: "p" } } };
    const creds = credentialsOfSecret({ data: { ".dockerconfigjson": b64(JSON.stringify(json)) } });
    expect(creds.get("index.docker.io")).toEqual({ username: "hub", password: "pw:with:colons" });
    expect(creds.get("registry.example:5000")).toEqual({ username: "u", password: "p" });
    expect(credentialsOfSecret({ data: { ".dockercfg": b64(JSON.stringify({ "r.example": { auth: b64("a:b") } })) } }).get("r.example")).toEqual({ username: "a", password: "b" });
    expect(credentialsOfSecret({ data: { ".dockerconfigjson": "not base64 json" } }).size).toBe(0);
    expect(credentialsOfSecret({}).size).toBe(0);
  });
});

describe.skipIf(missingKube("k8s pull secret tests") !== undefined || missingTool("k8s pull secret tests", REGISTRY_AUTH_TOOLS) !== undefined || !existsSync(BIN))("bulwark k8s scan --use-pull-secrets", () => {
  let kube: KubeApiServer;
  let reg: RegistryServer;

  beforeAll(async () => {
    [kube, reg] = await Promise.all([startKubeApiServer(), startRegistry({ htpasswd: { user: "puller", password: PASSWORD } })]);
    const img = await buildImage({ layers: [{ createdBy: "ADD / /", entries: [{ path: "etc/os-release", content: "ID=debian\nVERSION_ID=12\n" }] }] }, "docker");
    const { digest } = await pushImage(`${reg.host}/private/app:1`, img, { username: "puller", password: PASSWORD });
    const ref = `${reg.host}/private/app@${digest}`;
    const dockerconfig = Buffer.from(JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`puller:${PASSWORD}`).toString("base64") } } })).toString("base64");
    const created = await kube.apply([
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "priv" } },
      { apiVersion: "v1", kind: "Secret", metadata: { name: "regcred", namespace: "priv" }, type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": dockerconfig } },
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "builder", namespace: "priv" }, imagePullSecrets: [{ name: "regcred" }] },
      // Uses the Secret through its ServiceAccount.
      { apiVersion: "v1", kind: "Pod", metadata: { name: "app", namespace: "priv" }, spec: { serviceAccountName: "builder", containers: [{ name: "app", image: `${reg.host}/private/app:1` }] } },
    ]);
    await kube.updateStatus(created[3]!, { phase: "Running", containerStatuses: [{ name: "app", image: `${reg.host}/private/app:1`, imageID: ref, ready: true, restartCount: 0 }] });
  }, 240_000);
  afterAll(async () => {
    await Promise.all([kube?.stop(), reg?.stop()]);
    rmSync(work, { recursive: true, force: true });
  });

  it("without the flag the private image cannot be pulled; with it, it is scanned; the password is never printed", () => {
    const base = ["k8s", "scan", "--kubeconfig", kube.kubeconfigPath, "--scanners", "package", "--format", "json"];
    const without = bulwark(base);
    expect(without.code, without.stderr).toBe(0);
    expect(JSON.parse(without.stdout).images[0]).toMatchObject({ status: "failed" });
    const withSecrets = bulwark([...base, "--use-pull-secrets"]);
    expect(withSecrets.code, withSecrets.stderr).toBe(0);
    const rep = JSON.parse(withSecrets.stdout);
    expect(rep.images[0]).toMatchObject({ status: "scanned", workloads: ["pod/app -n priv"] });
    expect(rep.images[0].os).toBe("debian 12");
    for (const out of [without.stdout, without.stderr, withSecrets.stdout, withSecrets.stderr]) expect(out).not.toContain(PASSWORD);
  });

  it("a user who may not read Secrets: a warning naming the secret, not its content", () => {
    const kc = kube.writeKubeconfig("nosecrets", kube.issueClientCert("nosecrets", ["system:masters-not"]));
    // Give it read access to everything but secrets through a ClusterRole.
    return kube
      .apply([
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "read-no-secrets" }, rules: [{ apiGroups: ["*"], resources: ["pods", "serviceaccounts", "namespaces"], verbs: ["list", "get"] }] },
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "nosecrets" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "read-no-secrets" }, subjects: [{ kind: "User", name: "nosecrets" }] },
      ])
      .then(() => {
        const r = bulwark(["k8s", "scan", "--kubeconfig", kc, "--scanners", "package", "--format", "json", "--use-pull-secrets"]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toMatch(/bulwark: warning: pull secret priv\/regcred: HTTP 403/);
        expect(JSON.parse(r.stdout).images[0].status).toBe("failed");
        expect(r.stdout + r.stderr).not.toContain(PASSWORD);
      });
  });
});
