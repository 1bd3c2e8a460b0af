// Escalation paths: from each non-system subject, which identities can it become (hops), and do
// they reach cluster-admin-equivalent power or the secrets of other namespaces? Each hop names the
// permission used and the binding that grants it. A breadth-first search gives the shortest path.
import { Authorizer, defaultGroups, Permissions, type Attributes, type Decision, type GrantedRule, type UserInfo } from "./authorizer.js";
import type { K8sObject, Subject } from "./objects.js";

export type Goal = "cluster-admin" | "secrets";

export interface Step {
  /** What the identity before this step does: "create pods in namespace dev". */
  permission: string;
  /** Where that permission comes from: "RoleBinding dev/ci -> Role dev/deployer". */
  grantedBy: string;
  /** The identity reached: "ServiceAccount dev/builder". */
  to: string;
  /** How: "run a pod with serviceAccountName builder". */
  how: string;
}

export interface EscalationPath {
  from: string;
  goal: Goal;
  /** For secrets: the namespace whose secrets are reached ("*" = every namespace). */
  namespace?: string;
  /** The last identity's permission that is the goal itself, e.g. "list secrets in namespace prod". */
  power: string;
  powerGrantedBy: string;
  steps: Step[];
}

export interface EscalationReport {
  subjects: number;
  identities: number;
  paths: EscalationPath[];
}

/** An identity the search moves through. */
interface Node {
  id: string;
  label: string;
  perms: Permissions;
  /** A service account's own namespace. */
  namespace?: string;
  /** A synthetic power (not an identity): full control of a namespace, or every object admitted. */
  synthetic?: "superuser" | "namespace-admin" | "admission-reader";
}

interface Edge {
  to: Node;
  step: Omit<Step, "to">;
}

const SYSTEM_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease"]);

/** Subjects the search starts from: not the control plane's identities (system:*, kube-system SAs). */
export function isSystemSubject(s: Subject): boolean {
  if (s.kind === "ServiceAccount") return SYSTEM_NAMESPACES.has(s.namespace ?? "");
  return s.name.startsWith("system:");
}

export function subjectLabel(s: Subject): string {
  return s.kind === "ServiceAccount" ? `ServiceAccount ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
}

/** The UserInfo a subject authenticates as; a group stands for any member of it. */
export function subjectUser(s: Subject): UserInfo {
  if (s.kind === "ServiceAccount") {
    const user = `system:serviceaccount:${s.namespace}:${s.name}`;
    return { user, groups: defaultGroups(user) };
  }
  if (s.kind === "Group") return { user: `bulwark:any-member-of:${s.name}`, groups: defaultGroups("", [s.name]) };
  return { user: s.name, groups: defaultGroups(s.name) };
}

const grantText = (d: Decision): string => (d.superuser ? "group system:masters" : d.reason ? `${d.reason.binding} -> ${d.reason.role}` : "?");

const WORKLOADS: [string, string][] = [
  ["", "pods"],
  ["apps", "deployments"],
  ["apps", "daemonsets"],
  ["apps", "statefulsets"],
  ["apps", "replicasets"],
  ["batch", "jobs"],
  ["batch", "cronjobs"],
  ["", "replicationcontrollers"],
];

const FULL: GrantedRule["rule"] = { verbs: ["*"], apiGroups: ["*"], resources: ["*"] };

export class EscalationGraph {
  readonly auth: Authorizer;
  private readonly namespaces = new Set<string>();
  /** namespace → service account names */
  private readonly serviceAccounts = new Map<string, Set<string>>();
  /** pods: namespace, name, service account */
  private readonly pods: { namespace: string; name: string; sa: string }[] = [];
  /** token secrets: namespace, secret name, service account */
  private readonly tokenSecrets: { namespace: string; name: string; sa: string }[] = [];
  private readonly users = new Set<string>();
  private readonly groups = new Set<string>();
  private readonly nodes = new Map<string, Node>();
  private readonly edgeCache = new Map<string, Edge[]>();

  constructor(objects: K8sObject[], auth?: Authorizer) {
    this.auth = auth ?? new Authorizer(objects);
    const addSa = (ns: string, name: string) => {
      if (!ns || !name) return;
      this.namespaces.add(ns);
      let set = this.serviceAccounts.get(ns);
      if (!set) this.serviceAccounts.set(ns, (set = new Set()));
      set.add(name);
    };
    for (const o of objects) {
      const ns = o.metadata?.namespace ?? "";
      const name = o.metadata?.name ?? "";
      if (ns) this.namespaces.add(ns);
      if (o.kind === "Namespace" && name) this.namespaces.add(name);
      if (o.kind === "ServiceAccount") addSa(ns, name);
      if (o.kind === "Pod") {
        const spec = (o.spec ?? {}) as Record<string, unknown>;
        const sa = typeof spec.serviceAccountName === "string" && spec.serviceAccountName ? spec.serviceAccountName : "default";
        this.pods.push({ namespace: ns, name, sa });
        addSa(ns, sa);
      }
      if (o.kind === "Secret" && o.type === "kubernetes.io/service-account-token") {
        const sa = o.metadata?.annotations?.["kubernetes.io/service-account.name"];
        if (typeof sa === "string" && sa) {
          this.tokenSecrets.push({ namespace: ns, name, sa });
          addSa(ns, sa);
        }
      }
    }
    // The ServiceAccount controller makes "default" in every namespace.
    for (const ns of this.namespaces) addSa(ns, "default");
    for (const { subject } of this.auth.subjects()) {
      if (subject.kind === "ServiceAccount") addSa(subject.namespace ?? "", subject.name);
      else if (subject.kind === "User") this.users.add(subject.name);
      else if (subject.kind === "Group") this.groups.add(subject.name);
    }
  }

  node(s: Subject): Node {
    const label = subjectLabel(s);
    const id = `id:${label}`;
    let n = this.nodes.get(id);
    if (!n) {
      n = { id, label, perms: this.auth.permissions(subjectUser(s)) };
      if (s.kind === "ServiceAccount") n.namespace = s.namespace;
      this.nodes.set(id, n);
    }
    return n;
  }

  private synthetic(kind: NonNullable<Node["synthetic"]>, ns = ""): Node {
    const id = `syn:${kind}:${ns}`;
    let n = this.nodes.get(id);
    if (!n) {
      const user: UserInfo = { user: id, groups: [] };
      const label = kind === "superuser" ? "cluster-admin-equivalent power" : kind === "namespace-admin" ? `full control of namespace ${ns}` : "every object sent to admission (secrets of every namespace)";
      const perms =
        kind === "superuser"
          ? new Permissions(user, true, [], new Map())
          : kind === "namespace-admin"
            ? new Permissions(user, false, [], new Map([[ns, [{ rule: FULL, role: "(any role)", binding: "(a binding it creates)", namespace: ns }]]]))
            : new Permissions(user, false, [{ rule: { verbs: ["get", "list"], apiGroups: [""], resources: ["secrets"] }, role: "(admission requests)", binding: "(webhook)", namespace: "" }], new Map());
      n = { id, label, perms, synthetic: kind };
      this.nodes.set(id, n);
    }
    return n;
  }

  private allowedAny(p: Permissions, attrs: Attributes[]): Decision | undefined {
    for (const a of attrs) {
      const d = p.decide(a);
      if (d.allowed) return d;
    }
    return undefined;
  }

  /** Every identity (or power) one permission away. */
  edges(n: Node): Edge[] {
    const cached = this.edgeCache.get(n.id);
    if (cached) return cached;
    const out: Edge[] = [];
    const p = n.perms;
    if (p.superuser) {
      this.edgeCache.set(n.id, out);
      return out;
    }
    const sa = (ns: string, name: string) => this.node({ kind: "ServiceAccount", namespace: ns, name });
    for (const ns of this.namespaces) {
      const sas = [...(this.serviceAccounts.get(ns) ?? [])];
      // create pods (or a workload) → any ServiceAccount of the namespace
      for (const [group, resource] of WORKLOADS) {
        const d = p.decide({ verb: "create", apiGroup: group, resource, namespace: ns });
        if (!d.allowed) continue;
        for (const s of sas) out.push({ to: sa(ns, s), step: { permission: `create ${resource}${group ? "." + group : ""} in namespace ${ns}`, grantedBy: grantText(d), how: `run a pod with serviceAccountName ${s} and use its token` } });
        break;
      }
      // serviceaccounts/token → a token for that ServiceAccount
      for (const s of sas) {
        const d = p.decide({ verb: "create", apiGroup: "", resource: "serviceaccounts", subresource: "token", name: s, namespace: ns });
        if (d.allowed) out.push({ to: sa(ns, s), step: { permission: `create serviceaccounts/token ${s} in namespace ${ns}`, grantedBy: grantText(d), how: "request a token (TokenRequest)" } });
      }
      // token secrets
      for (const t of this.tokenSecrets) {
        if (t.namespace !== ns) continue;
        const d = this.allowedAny(p, [
          { verb: "get", apiGroup: "", resource: "secrets", name: t.name, namespace: ns },
          { verb: "list", apiGroup: "", resource: "secrets", namespace: ns },
        ]);
        if (d) out.push({ to: sa(ns, t.sa), step: { permission: `read secret ${t.name} in namespace ${ns}`, grantedBy: grantText(d), how: `use the ServiceAccount token stored in secret ${t.name}` } });
      }
      // exec/attach into a pod that runs as another ServiceAccount
      for (const pod of this.pods) {
        if (pod.namespace !== ns) continue;
        for (const sub of ["exec", "attach"]) {
          const d = this.allowedAny(p, [
            { verb: "create", apiGroup: "", resource: "pods", subresource: sub, name: pod.name, namespace: ns },
            { verb: "get", apiGroup: "", resource: "pods", subresource: sub, name: pod.name, namespace: ns },
          ]);
          if (d) {
            out.push({ to: sa(ns, pod.sa), step: { permission: `${sub} into pod ${pod.name} in namespace ${ns}`, grantedBy: grantText(d), how: `read the token mounted in the pod (ServiceAccount ${pod.sa})` } });
            break;
          }
        }
      }
      // impersonate a ServiceAccount
      for (const s of sas) {
        const d = p.decide({ verb: "impersonate", apiGroup: "", resource: "serviceaccounts", name: s, namespace: ns });
        if (d.allowed) out.push({ to: sa(ns, s), step: { permission: `impersonate serviceaccount ${ns}/${s}`, grantedBy: grantText(d), how: "--as system:serviceaccount:" + ns + ":" + s } });
      }
      // bind/escalate inside the namespace → full control of it
      const bindNs = this.allowedAny(p, [{ verb: "create", apiGroup: "rbac.authorization.k8s.io", resource: "rolebindings", namespace: ns }]);
      if (bindNs) {
        const bindRole = this.allowedAny(p, [
          { verb: "bind", apiGroup: "rbac.authorization.k8s.io", resource: "clusterroles", name: "cluster-admin", namespace: ns },
          { verb: "bind", apiGroup: "rbac.authorization.k8s.io", resource: "clusterroles", name: "admin", namespace: ns },
        ]);
        if (bindRole) out.push({ to: this.synthetic("namespace-admin", ns), step: { permission: `create rolebindings and bind clusterrole cluster-admin in namespace ${ns}`, grantedBy: `${grantText(bindNs)}; ${grantText(bindRole)}`, how: "bind itself to cluster-admin in the namespace" } });
      }
      const esc = this.allowedAny(p, [{ verb: "escalate", apiGroup: "rbac.authorization.k8s.io", resource: "roles", namespace: ns }]);
      const upd = this.allowedAny(p, [
        { verb: "create", apiGroup: "rbac.authorization.k8s.io", resource: "roles", namespace: ns },
        { verb: "update", apiGroup: "rbac.authorization.k8s.io", resource: "roles", namespace: ns },
        { verb: "patch", apiGroup: "rbac.authorization.k8s.io", resource: "roles", namespace: ns },
      ]);
      if (esc && upd && (bindNs || n.perms.byNamespace.has(ns))) {
        out.push({ to: this.synthetic("namespace-admin", ns), step: { permission: `escalate and write roles in namespace ${ns}`, grantedBy: `${grantText(esc)}; ${grantText(upd)}`, how: "add any rule to a role bound to itself" } });
      }
    }
    // Cluster scope.
    const cluster = (verb: string, group: string, resource: string, extra: Partial<Attributes> = {}): Decision => p.decide({ verb, apiGroup: group, resource, namespace: "", ...extra } as Attributes);
    const crb = cluster("create", "rbac.authorization.k8s.io", "clusterrolebindings");
    const bindAdmin = cluster("bind", "rbac.authorization.k8s.io", "clusterroles", { name: "cluster-admin" });
    if (crb.allowed && bindAdmin.allowed) out.push({ to: this.synthetic("superuser"), step: { permission: "create clusterrolebindings and bind clusterrole cluster-admin", grantedBy: `${grantText(crb)}; ${grantText(bindAdmin)}`, how: "bind itself to cluster-admin" } });
    const escC = cluster("escalate", "rbac.authorization.k8s.io", "clusterroles");
    const updC = this.allowedAny(p, ["update", "patch"].map((verb) => ({ verb, apiGroup: "rbac.authorization.k8s.io", resource: "clusterroles", namespace: "" })));
    if (escC.allowed && updC && p.cluster.length > 0) out.push({ to: this.synthetic("superuser"), step: { permission: "escalate and update clusterroles", grantedBy: `${grantText(escC)}; ${grantText(updC)}`, how: "add rules for everything to a ClusterRole bound to itself" } });
    const impGroup = cluster("impersonate", "", "groups", { name: "system:masters" });
    if (impGroup.allowed) out.push({ to: this.synthetic("superuser"), step: { permission: "impersonate group system:masters", grantedBy: grantText(impGroup), how: "--as-group system:masters" } });
    for (const u of this.users) {
      const d = cluster("impersonate", "", "users", { name: u });
      if (d.allowed) out.push({ to: this.node({ kind: "User", name: u }), step: { permission: `impersonate user ${u}`, grantedBy: grantText(d), how: `--as ${u}` } });
    }
    for (const g of this.groups) {
      const d = cluster("impersonate", "", "groups", { name: g });
      if (d.allowed) out.push({ to: this.node({ kind: "Group", name: g }), step: { permission: `impersonate group ${g}`, grantedBy: grantText(d), how: `--as-group ${g}` } });
    }
    const proxy = this.allowedAny(p, ["get", "create"].map((verb) => ({ verb, apiGroup: "", resource: "nodes", subresource: "proxy", namespace: "" })));
    if (proxy) {
      for (const pod of this.pods) out.push({ to: sa(pod.namespace, pod.sa), step: { permission: `${proxy.reason?.rule.verbs?.includes("create") ? "create" : "get"} nodes/proxy`, grantedBy: grantText(proxy), how: `exec into pod ${pod.namespace}/${pod.name} through the kubelet API` } });
    }
    const hookVerbs = ["create", "update", "patch"];
    const mutating = this.allowedAny(p, hookVerbs.map((verb) => ({ verb, apiGroup: "admissionregistration.k8s.io", resource: "mutatingwebhookconfigurations", namespace: "" })));
    if (mutating) out.push({ to: this.synthetic("superuser"), step: { permission: `${mutating.reason?.rule.verbs?.join(",") ?? "write"} mutatingwebhookconfigurations`, grantedBy: grantText(mutating), how: "register a webhook that rewrites every pod (any ServiceAccount, privileged, host mounts)" } });
    const validating = this.allowedAny(p, hookVerbs.map((verb) => ({ verb, apiGroup: "admissionregistration.k8s.io", resource: "validatingwebhookconfigurations", namespace: "" })));
    if (validating) out.push({ to: this.synthetic("admission-reader"), step: { permission: `write validatingwebhookconfigurations`, grantedBy: grantText(validating), how: "register a webhook that is sent every secret written in the cluster" } });
    this.edgeCache.set(n.id, out);
    return out;
  }

  /** The goals an identity holds itself, with the permission. */
  goals(n: Node): { goal: Goal; namespace?: string; power: string; grantedBy: string }[] {
    const out: { goal: Goal; namespace?: string; power: string; grantedBy: string }[] = [];
    const p = n.perms;
    const all = p.decide({ verb: "*", apiGroup: "*", resource: "*", namespace: "" });
    if (all.allowed) {
      out.push({ goal: "cluster-admin", power: all.superuser ? "member of system:masters" : "every verb on every resource, cluster-wide", grantedBy: grantText(all) });
      return out;
    }
    const everywhere = this.allowedAny(p, ["list", "get"].map((verb) => ({ verb, apiGroup: "", resource: "secrets", namespace: "" })));
    if (everywhere) {
      out.push({ goal: "secrets", namespace: "*", power: `${everywhere.reason?.rule.verbs?.includes("list") || everywhere.reason?.rule.verbs?.includes("*") ? "list" : "get"} secrets in every namespace`, grantedBy: grantText(everywhere) });
      return out;
    }
    for (const ns of this.namespaces) {
      const d = this.allowedAny(p, ["list", "get"].map((verb) => ({ verb, apiGroup: "", resource: "secrets", namespace: ns })));
      if (d) out.push({ goal: "secrets", namespace: ns, power: `read secrets in namespace ${ns}`, grantedBy: grantText(d) });
    }
    return out;
  }

  /** Paths from one subject, shortest first. */
  pathsFrom(s: Subject, maxDepth = 6): EscalationPath[] {
    const start = this.node(s);
    const ownNs = s.kind === "ServiceAccount" ? s.namespace : undefined;
    const from = start.label;
    const prev = new Map<string, { node: Node; via?: { from: string; step: Step } }>();
    prev.set(start.id, { node: start });
    let frontier = [start];
    const found = new Map<string, EscalationPath>();
    for (let depth = 0; frontier.length > 0 && depth <= maxDepth; depth++) {
      const next: Node[] = [];
      for (const n of frontier) {
        for (const g of this.goals(n)) {
          // A namespace's own secrets are not an escalation for its service account; a user's or
          // group's directly granted secrets in one namespace are the access they were given.
          if (g.goal === "secrets" && g.namespace !== "*" && (g.namespace === ownNs || (depth === 0 && !ownNs))) continue;
          const key = `${g.goal}:${g.namespace ?? ""}`;
          if (found.has(key)) continue;
          found.set(key, { from, goal: g.goal, ...(g.namespace ? { namespace: g.namespace } : {}), power: g.power, powerGrantedBy: g.grantedBy, steps: this.trace(prev, n) });
        }
        if (depth === maxDepth) continue;
        for (const e of this.edges(n)) {
          if (prev.has(e.to.id)) continue;
          prev.set(e.to.id, { node: e.to, via: { from: n.id, step: { ...e.step, to: e.to.label } } });
          next.push(e.to);
        }
      }
      frontier = next;
    }
    const paths = [...found.values()];
    // cluster-admin makes the rest moot.
    const admin = paths.find((p) => p.goal === "cluster-admin");
    return admin ? [admin] : paths;
  }

  private trace(prev: Map<string, { node: Node; via?: { from: string; step: Step } }>, n: Node): Step[] {
    const steps: Step[] = [];
    let cur = prev.get(n.id);
    while (cur?.via) {
      steps.push(cur.via.step);
      cur = prev.get(cur.via.from);
    }
    return steps.reverse();
  }

  identityCount(): number {
    return [...this.nodes.values()].filter((n) => !n.synthetic).length;
  }

  /** The non-system subjects of every binding. */
  startSubjects(): Subject[] {
    return this.auth
      .subjects()
      .map((x) => x.subject)
      .filter((s) => !isSystemSubject(s) && (s.kind !== "ServiceAccount" || !!s.namespace))
      .sort((a, b) => (subjectLabel(a) < subjectLabel(b) ? -1 : 1));
  }
}

export function findEscalations(objects: K8sObject[], opts: { maxDepth?: number } = {}): EscalationReport {
  const g = new EscalationGraph(objects);
  const starts = g.startSubjects();
  const paths: EscalationPath[] = [];
  for (const s of starts) paths.push(...g.pathsFrom(s, opts.maxDepth));
  return { subjects: starts.length, identities: g.identityCount(), paths };
}

/** What a subject can reach (for exposure ranking): cluster-admin power and which namespaces' secrets. */
export interface Reach {
  subject: string;
  clusterAdmin: boolean;
  /** Namespaces whose secrets it can read, directly or through hops; "*" = all. */
  secretNamespaces: string[];
  paths: EscalationPath[];
}

export function reachOf(graph: EscalationGraph, s: Subject): Reach {
  const n = graph.node(s);
  const paths = graph.pathsFrom(s);
  const direct = graph.goals(n);
  const secretNamespaces = new Set<string>();
  for (const g of direct) if (g.goal === "secrets" && g.namespace) secretNamespaces.add(g.namespace);
  for (const p of paths) if (p.goal === "secrets" && p.namespace) secretNamespaces.add(p.namespace);
  const clusterAdmin = paths.some((p) => p.goal === "cluster-admin") || direct.some((g) => g.goal === "cluster-admin");
  if (clusterAdmin) secretNamespaces.add("*");
  return { subject: subjectLabel(s), clusterAdmin, secretNamespaces: secretNamespaces.has("*") ? ["*"] : [...secretNamespaces].sort(), paths };
}
