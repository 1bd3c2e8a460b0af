// The SARIF 2.1.0 schema validator for the writer tests. test-support/schemas.ts loads the SBOM
// schemas the same way; SARIF lives here to keep to this folder.
import { readFileSync } from "node:fs";
import { Ajv, type AnySchemaObject, type ErrorObject } from "ajv";
import formatsModule from "ajv-formats";
import { schemaPath } from "../../../../test/support/upstream.js";

const SCHEMA = schemaPath("sarif-2.1.0/sarif-schema-2.1.0.json");

// ajv-formats is CommonJS: under nodenext its plugin is the `default` of module.exports.
const addFormats = formatsModule.default;

let validate: ReturnType<Ajv["compile"]> | undefined;

/**
 * The published schema is draft-04, which ajv 8 does not read. The only draft-04 construct in
 * it is the top-level `id` (no boolean exclusiveMinimum/Maximum), so renaming it to `$id` and
 * declaring draft-07 gives the same validation.
 */
function loadSchema(): AnySchemaObject {
  const schema = JSON.parse(readFileSync(SCHEMA, "utf8")) as Record<string, unknown>;
  const { id, $schema: _draft04, ...rest } = schema;
  return { $schema: "http://json-schema.org/draft-07/schema#", $id: id, ...rest } as AnySchemaObject;
}

export function sarifErrors(document: unknown): ErrorObject[] {
  if (!validate) {
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
    addFormats(ajv);
    validate = ajv.compile(loadSchema());
  }
  return validate(document) ? [] : [...(validate.errors ?? [])];
}
