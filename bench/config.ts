// `bulwark config` on 10,000 generated Kubernetes documents, in three shapes: 10 files of 1,000
// Deployments (flow maps, the original corpus), 10,000 single-document files of mixed kinds as a
// Helm chart renders them (comments, quoted strings, block scalars, RBAC), and the same 10,000
// resources as one `kubectl get -o json` List. Each is compared with a baseline measured in the
// same run: a fresh node process that only parses the same files with the `yaml` library.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function deployments(dir: string): void {
  for (let f = 0; f < 10; f++) {
    const docs: string[] = [];
    for (let d = 0; d < 1000; d++) {
      const n = f * 1000 + d;
      docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${n}
  namespace: team-${n % 20}
spec:
  replicas: 2
  selector:
    matchLabels: { app: app-${n} }
  template:
    metadata:
      labels: { app: app-${n} }
    spec:
      containers:
        - name: web
          image: registry.example.com/app-${n}:${n % 3 === 0 ? "latest" : "1." + (n % 10)}
          ports: [{ containerPort: 8080 }]
          securityContext:
            privileged: ${n % 7 === 0}
            runAsNonRoot: ${n % 2 === 0}
          resources:
            limits: { cpu: 500m, memory: 256Mi }
`);
    }
    writeFileSync(join(dir, `manifests-${f}.yaml`), docs.join("---\n"));
  }
}

/** Document n of the mixed corpus: a Deployment, Service, ConfigMap, Role or RoleBinding. */
function mixed(n: number): string {
  const ns = `ns-${n % 50}`;
  switch (n % 5) {
    case 0:
      return `# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: "app-${n}"
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: app-${n}
    helm.sh/chart: "app-1.2.3"
spec:
  replicas: 3
  selector:
    matchLabels:
      app: app-${n}
  template:
    metadata:
      labels:
        app: app-${n}
      annotations:
        checksum/config: "abc123def456"
    spec:
      serviceAccountName: sa-${n}
      containers:
        - name: main
          image: "registry.example.com/app:${n}.0.1"
          imagePullPolicy: IfNotPresent
          args:
            - --port=8080
            - --log-level=info
          env:
            - name: DB_HOST
              value: db.example.com
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: db
                  key: password
          ports:
            - containerPort: 8080
              protocol: TCP
          securityContext:
            allowPrivilegeEscalation: ${n % 3 === 0}
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            capabilities:
              drop: ["ALL"]
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
`;
    case 1:
      return `# Source: app/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: svc-${n}
  namespace: ${ns}
spec:
  type: ${n % 10 === 1 ? "LoadBalancer" : "ClusterIP"}
  ports:
    - port: 80
      targetPort: 8080
  selector:
    app: app-${n}
`;
    case 2:
      return `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-${n}
  namespace: ${ns}
data:
  app.properties: |
    server.port=8080
    feature.flag=true

    # a comment inside the data
  script.sh: |-
    #!/bin/sh
    echo "hello ${n}"
  LOG_LEVEL: "debug"
`;
    case 3:
      return `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: role-${n}
  namespace: ${ns}
rules:
  - apiGroups: [""]
    resources: ["pods", "secrets"]
    verbs: ["get", "list", "watch"]
`;
    default:
      return `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rb-${n}
  namespace: ${ns}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: role-${n - 1}
subjects:
  - kind: ServiceAccount
    name: default
    namespace: ${ns}
`;
  }
}

function fresh(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Median wall time of three fresh processes run in `cwd`. */
function time(argv: string[], cwd: string): number {
  return median(
    [0, 1, 2].map(() => {
      const t = performance.now();
      execFileSync(process.execPath, argv, { cwd });
      return performance.now() - t;
    }),
  );
}

// No rules, no report: what parsing alone costs with the yaml library.
const YAML_ONLY = `const y=require("yaml"),fs=require("fs"),p=require("path");for(const f of fs.readdirSync(process.argv[1]))for(const d of y.parseAllDocuments(fs.readFileSync(p.join(process.argv[1],f),"utf8")))d.toJS();`;

export function benchConfig(root: string, cli: string): void {
  // The yaml baseline resolves `yaml` from the repository.
  const repo = join(root, "..");
  const deploymentsDir = fresh(join(root, "k8s-10k"));
  deployments(deploymentsDir);
  const filesDir = fresh(join(root, "k8s-files"));
  const texts = Array.from({ length: 10_000 }, (_, n) => mixed(n));
  texts.forEach((t, n) => writeFileSync(join(filesDir, `m-${String(n).padStart(5, "0")}.yaml`), t));
  const listDir = fresh(join(root, "k8s-list"));
  const items = texts.map((t) => parseAllDocuments(t)[0]!.toJS() as unknown);
  writeFileSync(join(listDir, "list.json"), JSON.stringify({ apiVersion: "v1", kind: "List", items }, null, 2));

  const row = (label: string, ms: number, extra = ""): void => console.log(`${label.padEnd(64)} ${(ms / 1000).toFixed(2)} s${extra}`);
  const corpora = [
    { dir: deploymentsDir, label: "10 files of 1,000 Deployments", formats: ["json", "table", "sarif"] },
    { dir: filesDir, label: "10,000 files, mixed kinds", formats: ["json"] },
    { dir: listDir, label: "one JSON List of 10,000", formats: ["json"] },
  ];
  for (const c of corpora) {
    const baseline = time(["-e", YAML_ONLY, c.dir], repo);
    row(`config, ${c.label}: yaml alone (baseline)`, baseline);
    for (const format of c.formats) {
      const ms = time([cli, "config", c.dir, "--format", format, "-o", join(tmpdir(), `bw-bench-config.${format}`), "-q"], repo);
      row(`config, ${c.label} (${format})`, ms, ` = ${(ms / baseline).toFixed(2)}x the baseline${format === "json" ? " (target < 5 s)" : ""}`);
    }
  }
}
