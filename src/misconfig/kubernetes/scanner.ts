// Incremental Kubernetes scanning: each document is checked as soon as it is parsed, so its yaml
// nodes die young. Keeping every document's nodes alive until the cross-document facts were known
// made garbage collection a third of the run time on 10,000 documents. Only the few resources
// whose checks read the ClusterIndex (see `readsIndex`) are kept until every file was read; rules
// with a deferred check (ServiceAccount automount, NetworkPolicy coverage) keep a few small facts
// per resource instead and decide in `finish`.
import type { Misconfiguration } from "../../model/index.js";
import type { Rule, RuleHit } from "../types.js";
import { failureMessage, runRules, suppressedInFile, toFinding } from "../types.js";
import type { ClusterIndex, K8sDoc, K8sRule } from "./context.js";
import { emptyIndex, indexResource, mergeIndex, readsIndex } from "./context.js";
import type { ParseError } from "./parse.js";
import { eachDocument } from "./parse.js";
import type { PssVersion } from "./pss.js";
import { PSS_LATEST } from "./pss.js";
import type { Resource } from "./resource.js";
import { kubernetesRules } from "./rules/index.js";

export interface KubernetesScan {
  findings: Misconfiguration[];
  /** Files or documents that looked like Kubernetes but could not be read. */
  errors: ParseError[];
}

export interface KubernetesScanOptions {
  /** Pod Security Standards version to check against (default: the newest this build knows). */
  pss?: PssVersion;
}

/** Findings and rule failures of consecutive checked resources. */
interface Checked {
  findings: Misconfiguration[];
  errors: ParseError[];
}

/** A resource checked in `finish`; `lines` is its file split for suppression comments (if it has any). */
interface Deferred {
  res: Resource;
  lines: string[] | null;
}

/** A checked resource whose deferred rules still have to decide, from the facts they collected. */
interface Pending extends Checked {
  facts: { rule: K8sRule; fact: unknown }[];
  /** "Deployment web", for rule failures. */
  what: string;
  path: string;
  lines: string[] | null;
}

type Part = Checked | Deferred | Pending;

/** Outcomes in input order, with deferred resources holding their place. */
class Outcomes {
  readonly parts: Part[] = [];
  private open: Checked | undefined;

  checked(): Checked {
    if (!this.open) {
      this.open = { findings: [], errors: [] };
      this.parts.push(this.open);
    }
    return this.open;
  }

  hold(p: Deferred | Pending): void {
    this.parts.push(p);
    this.open = undefined;
  }
}

/** Each rule list with references that name the PSS version, built once per version. */
const rulesByVersion = new Map<string, K8sRule[]>();

/** The rules with `references.pss.version` set: findings share these reference objects. */
export function kubernetesRulesFor(pss: PssVersion): K8sRule[] {
  let rules = rulesByVersion.get(pss.label);
  if (!rules) {
    rules = kubernetesRules.map((r) => (r.references.pss ? { ...r, references: { ...r.references, pss: { ...r.references.pss, version: pss.label } } } : r));
    rulesByVersion.set(pss.label, rules);
  }
  return rules;
}

export class KubernetesScanner {
  private readonly index = emptyIndex();
  private readonly parseErrors: ParseError[] = [];
  private readonly outcomes: Part[] = [];
  private readonly pss: PssVersion;
  private readonly immediate: K8sRule[];
  private readonly later: K8sRule[];
  private readonly order: Map<string, number>;

  constructor(opts: KubernetesScanOptions = {}) {
    this.pss = opts.pss ?? PSS_LATEST;
    const rules = kubernetesRulesFor(this.pss);
    this.immediate = rules.filter((r) => !r.deferred);
    this.later = rules.filter((r) => r.deferred);
    this.order = new Map(rules.map((r, i) => [r.id, i]));
  }

  /** Checks one file; RBAC bindings, NetworkPolicies and ServiceAccounts in it apply to every file of the scan. */
  add(path: string, text: string): void {
    // Splitting a file into lines is only worth it when it has suppression comments.
    const lines = text.includes("bulwark:ignore") ? text.split(/\r?\n/) : null;
    const fileIndex = emptyIndex();
    const out = new Outcomes();
    const parsed = eachDocument(path, text, this.parseErrors, (resources) => {
      for (const res of resources) {
        indexResource(fileIndex, res, this.index);
        if (readsIndex(res, fileIndex)) {
          out.hold({ res, lines });
          continue;
        }
        // Other resources' immediate checks do not read the index, so the partial one is as good as the full.
        const doc: K8sDoc = { res, index: this.index, pss: this.pss };
        const failures: ParseError[] = [];
        const facts = this.collect(doc, failures);
        const into: Checked = facts.length === 0 ? out.checked() : { findings: [], errors: [] };
        check(this.immediate, doc, lines, into);
        for (const e of failures) into.errors.push(e);
        if (facts.length > 0) out.hold({ ...into, facts, what: `${res.kind} ${res.name}`, path: res.path, lines });
      }
    });
    // A file that cannot be parsed contributes its error only, as if none of it had been read.
    if (!parsed) return;
    mergeIndex(this.index, fileIndex);
    for (const part of out.parts) this.outcomes.push(part);
  }

  /** All findings in input order (file, document, rule); errors: parse errors, then rule failures. */
  finish(): KubernetesScan {
    const findings: Misconfiguration[] = [];
    const errors = [...this.parseErrors];
    for (let part of this.outcomes) {
      if ("res" in part) {
        const checked: Checked = { findings: [], errors: [] };
        const doc: K8sDoc = { res: part.res, index: this.index, pss: this.pss };
        check(this.immediate, doc, part.lines, checked);
        const facts = this.collect(doc, checked.errors);
        part = facts.length === 0 ? checked : { ...checked, facts, what: `${part.res.kind} ${part.res.name}`, path: part.res.path, lines: part.lines };
      }
      if ("facts" in part) this.decide(part, this.index);
      for (const f of part.findings) findings.push(f);
      for (const e of part.errors) errors.push(e);
    }
    return { findings, errors };
  }

  /** Facts of the deferred rules that have something to decide about this resource. */
  private collect(doc: K8sDoc, failures: ParseError[]): { rule: K8sRule; fact: unknown }[] {
    const facts: { rule: K8sRule; fact: unknown }[] = [];
    for (const rule of this.later) {
      try {
        const fact = rule.deferred!.collect(doc);
        if (fact !== undefined) facts.push({ rule, fact });
      } catch (e) {
        failures.push({ path: doc.res.path, message: failureMessage(rule, e, `${doc.res.kind} ${doc.res.name}`) });
      }
    }
    return facts;
  }

  /** Runs the deferred checks of a resource and merges their findings in rule order. */
  private decide(p: Pending, index: ClusterIndex): void {
    let added = false;
    for (const { rule, fact } of p.facts) {
      let hits: RuleHit[];
      try {
        hits = rule.deferred!.check(fact, index);
      } catch (e) {
        p.errors.push({ path: p.path, message: failureMessage(rule, e, p.what) });
        continue;
      }
      for (const h of hits) {
        if (p.lines && suppressedInFile(p.lines, h.line, rule.id)) continue;
        h.message.charCodeAt(0); // flatten the message rope, as runRules does
        p.findings.push(toFinding(rule, h, p.path));
        added = true;
      }
    }
    if (added) {
      const rank = (f: Misconfiguration): number => this.order.get(f.ruleId) ?? 0;
      p.findings.sort((a, b) => rank(a) - rank(b));
    }
  }
}

function check(rules: readonly Rule<K8sDoc>[], doc: K8sDoc, lines: string[] | null, out: Checked): void {
  const found = runRules(rules, doc, doc.res.path, lines, (rule, e) => out.errors.push({ path: doc.res.path, message: failureMessage(rule, e, `${doc.res.kind} ${doc.res.name}`) }));
  for (const f of found) out.findings.push(f);
}
