// Incremental Kubernetes scanning: each document is checked as soon as it is parsed, so its yaml
// nodes die young. Keeping every document's nodes alive until the cross-document facts were known
// made garbage collection a third of the run time on 10,000 documents. Only the few resources
// whose checks read the ClusterIndex (see `readsIndex`) are kept until every file was read.
import type { Misconfiguration } from "../../model/index.js";
import { failureMessage, runRules } from "../types.js";
import type { ClusterIndex } from "./context.js";
import { emptyIndex, indexResource, mergeIndex, readsIndex } from "./context.js";
import type { ParseError } from "./parse.js";
import { eachDocument } from "./parse.js";
import type { Resource } from "./resource.js";
import { kubernetesRules } from "./rules/index.js";

export interface KubernetesScan {
  findings: Misconfiguration[];
  /** Files or documents that looked like Kubernetes but could not be read. */
  errors: ParseError[];
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

/** Outcomes in input order, with deferred resources holding their place. */
class Outcomes {
  readonly parts: (Checked | Deferred)[] = [];
  private open: Checked | undefined;

  checked(): Checked {
    if (!this.open) {
      this.open = { findings: [], errors: [] };
      this.parts.push(this.open);
    }
    return this.open;
  }

  defer(d: Deferred): void {
    this.parts.push(d);
    this.open = undefined;
  }
}

export class KubernetesScanner {
  private readonly index = emptyIndex();
  private readonly parseErrors: ParseError[] = [];
  private readonly outcomes: (Checked | Deferred)[] = [];

  /** Checks one file; RBAC bindings and NetworkPolicies in it apply to every file of the scan. */
  add(path: string, text: string): void {
    // Splitting a file into lines is only worth it when it has suppression comments.
    const lines = text.includes("bulwark:ignore") ? text.split(/\r?\n/) : null;
    const fileIndex = emptyIndex();
    const out = new Outcomes();
    const parsed = eachDocument(path, text, this.parseErrors, (resources) => {
      for (const res of resources) {
        indexResource(fileIndex, res, this.index);
        if (readsIndex(res, fileIndex)) out.defer({ res, lines });
        // Other resources' checks do not read the index, so the partial one is as good as the full.
        else check(res, this.index, lines, out.checked());
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
        check(part.res, this.index, part.lines, checked);
        part = checked;
      }
      for (const f of part.findings) findings.push(f);
      for (const e of part.errors) errors.push(e);
    }
    return { findings, errors };
  }
}

function check(res: Resource, index: ClusterIndex, lines: string[] | null, out: Checked): void {
  const doc = { res, index };
  const found = runRules(kubernetesRules, doc, res.path, lines, (rule, e) => out.errors.push({ path: res.path, message: failureMessage(rule, e, `${res.kind} ${res.name}`) }));
  for (const f of found) out.findings.push(f);
}
