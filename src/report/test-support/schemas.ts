// JSON schema validators for the SBOM tests, with the official schemas in the repository's schemas/.
import { readFileSync } from "node:fs";
import { Ajv, type AnySchemaObject, type ErrorObject } from "ajv";
import formatsModule from "ajv-formats";
import { fullFormats } from "ajv-formats/dist/formats.js";
import { schemaPath } from "../../../test/support/upstream.js";

// ajv-formats is CommonJS: under nodenext its plugin is the `default` of module.exports (which
// the package also sets at runtime).
const addFormats = formatsModule.default;

function load(path: string): AnySchemaObject {
  return JSON.parse(readFileSync(schemaPath(path), "utf8")) as AnySchemaObject;
}

/** Percent-encodes non-ASCII so an IRI can be checked with the URI grammar (RFC 3987 §3.1). */
function iriToUri(value: string): string {
  return value.replace(/\P{ASCII}+/gu, (s) => encodeURIComponent(s));
}

const uriReference = fullFormats["uri-reference"] as RegExp;
const email = fullFormats.email as RegExp;

function newAjv(): Ajv {
  // Strict, so an unknown keyword or format fails loudly instead of being skipped. Two
  // relaxations for the CycloneDX schema: `meta:enum` is an annotation, declared below, and
  // strictRequired is a lint (its oneOf branches require properties defined elsewhere).
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  ajv.addKeyword("meta:enum");
  addFormats(ajv);
  // Formats the CycloneDX schema uses that ajv-formats lacks. Left undefined, ajv would skip them.
  ajv.addFormat("iri-reference", (v: string) => uriReference.test(iriToUri(v)));
  ajv.addFormat("idn-email", (v: string) => email.test(iriToUri(v)));
  return ajv;
}

let cyclonedx: ReturnType<Ajv["compile"]> | undefined;
let spdx: ReturnType<Ajv["compile"]> | undefined;

export function cyclonedxErrors(document: unknown): ErrorObject[] {
  if (!cyclonedx) {
    const ajv = newAjv();
    // bom-1.6 refers to these two by file name, resolved against its own $id.
    ajv.addSchema(load("cyclonedx-1.6/spdx.schema.json"));
    ajv.addSchema(load("cyclonedx-1.6/jsf-0.82.schema.json"));
    cyclonedx = ajv.compile(load("cyclonedx-1.6/bom-1.6.schema.json"));
  }
  return cyclonedx(document) ? [] : [...(cyclonedx.errors ?? [])];
}

export function spdxErrors(document: unknown): ErrorObject[] {
  if (!spdx) spdx = newAjv().compile(load("spdx-2.3/spdx-schema.json"));
  return spdx(document) ? [] : [...(spdx.errors ?? [])];
}
