// Lint: typescript-eslint's recommended rules plus import boundaries that keep the layout in
// docs/architecture.md honest (plain no-restricted-imports patterns, one block per area).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const area = (files, patterns) => ({ files, rules: { "no-restricted-imports": ["error", { patterns }] } });
const forbid = (dirs, why) => ({ regex: `(^|/)(${dirs.join("|")})(/|$)`, message: why });
const analyzerDeps = forbid(["image", "layers", "scan", "report", "cli", "vulndb", "match"], "analyzers import only model/ and their own types");

export default tseslint.config(
  { ignores: ["dist/**", "dist-*/**", "node_modules/**", "**/testdata/**", "coverage/**", ".bench-cache/**", ".cache/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      // Terminal output and hostile-input tests need control characters in patterns.
      "no-control-regex": "off",
    },
  },
  area(["src/common/**"], [{ regex: "^(?!\\./)", message: "common/ holds self-contained helpers and imports nothing outside itself" }]),
  area(["src/model/**"], [{ regex: "^(?!\\./)", message: "model/ holds plain types and imports nothing outside itself" }]),
  area(["src/layers/**"], [forbid(["image", "analyzers", "scan", "report", "cli", "vulndb", "match"], "layers/ may import only model/ and errors")]),
  area(["src/image/**"], [forbid(["analyzers", "scan", "report", "cli", "vulndb", "match"], "image/ may import only model/, layers/ and errors")]),
  area(["src/analyzers/*.ts"], [analyzerDeps]),
  area(["src/analyzers/*/*/**"], [
    analyzerDeps,
    { regex: "^\\.\\./(?!\\.\\./|shared/)[^/]+/", message: "an analyzer folder must not import another analyzer (use analyzers/shared/)" },
  ]),
  area(["src/report/**"], [forbid(["image", "layers", "analyzers", "scan", "cli", "vulndb", "match"], "report writers take a Report and import only model/")]),
  area(["src/misconfig/**"], [forbid(["image", "layers", "analyzers", "scan", "report", "cli", "vulndb", "match", "sbom", "secrets"], "misconfig rules read documents and tar-header facts, and import only model/")]),
  area(["src/secrets/**"], [forbid(["image", "layers", "analyzers", "scan", "report", "cli", "vulndb", "match", "sbom", "misconfig"], "secret rules read text and import only model/")]),
  area(["src/sbom/**"], [forbid(["image", "layers", "analyzers", "scan", "report", "cli", "vulndb", "match"], "sbom/ reads SBOM files into model/ packages")]),
  area(["src/policy/**"], [forbid(["layers", "analyzers", "report", "cli", "vulndb", "match", "sbom", "misconfig", "secrets", "versioning", "common", "sigstore"], "policy/ imports only index.ts, image/, scan/, model/ and errors (verifiers are injected)")]),
  area(["src/registry/audit/**"], [forbid(["layers", "analyzers", "report", "cli", "vulndb", "match", "sbom", "misconfig", "secrets", "scan", "list\\.js"], "registry/audit imports only the public API, image/, model/ and errors (scan/ lists its rules, so not scan/)")]),
  area(["src/sigstore/**"], [forbid(["layers", "analyzers", "report", "cli", "vulndb", "match", "sbom", "misconfig", "secrets"], "sigstore/ imports only downward: src/index.ts, image/, scan/, model/, errors")]),
  area(["src/registry/*.ts", "src/registry/scan/**"], [forbid(["analyzers", "layers", "report", "cli", "vulndb", "match", "sbom", "misconfig", "secrets", "versioning"], "registry/ (list, scan) imports only src/index.ts, image/, scan/, model/ and errors")]),
  area(["src/host/**"], [forbid(["layers", "analyzers", "report", "cli", "vulndb", "match", "sbom", "secrets", "versioning", "common", "sigstore", "policy", "registry"], "host/ imports only src/index.ts, image/, scan/, misconfig/ types, model/ and errors")]),
  area(["src/drift/**"], [forbid(["analyzers", "report", "cli", "vulndb", "match", "sbom", "misconfig", "secrets", "versioning", "common", "sigstore", "registry", "policy"], "drift/ imports only src/index.ts, image/, layers/, scan/, model/ and errors")]),
  area(["src/k8s/**"], [forbid(["layers", "analyzers", "report", "cli", "vulndb", "match", "sbom", "secrets", "versioning", "common", "sigstore", "policy"], "k8s/ imports only src/index.ts, scan/, misconfig/ (rules), image/, model/ and errors"), { regex: "^\\.\\./registry/", message: "k8s/ does not import the registry scanner (src/registry/)" }]),
  area(["src/runtime/**"], [forbid(["layers", "analyzers", "report", "cli", "vulndb", "match", "sbom", "misconfig", "secrets", "versioning", "scan", "image", "registry", "sigstore", "policy", "common"], "runtime/ imports only src/index.ts, model/ and errors (its rule engine is under runtime/rules/)")]),
  area(["src/k8s/rbac/**", "src/k8s/cel/**"], [forbid(["layers", "analyzers", "report", "cli", "vulndb", "match", "sbom", "misconfig", "secrets", "versioning", "common", "sigstore", "policy", "registry"], "k8s/rbac and k8s/cel import only src/index.ts, image/, scan/, model/ and errors")]),
  area(["src/admission/**"], [forbid(["layers", "analyzers", "report", "cli", "vulndb", "match", "sbom", "secrets", "versioning", "common", "sigstore", "registry/(?:scan|audit)"], "admission/ imports only src/index.ts, policy/, misconfig/, scan/, image/, model/ and errors")]),
  area(["src/integrations/**"], [forbid(["layers", "analyzers", "cli", "vulndb", "match", "sbom", "misconfig", "secrets", "versioning", "sigstore", "policy", "server"], "integrations/ (pure modules) import only src/index.ts, image/, scan/, report/, model/ and errors; their server side lives in src/server/integrations/"), { regex: "^(\\.\\./)+registry(/|$)", message: "integrations/ reach registry/ through src/index.ts" }]),
  area(["src/server/**"], [forbid(["cli", "layers", "analyzers", "report", "vulndb", "match", "sbom", "misconfig", "secrets", "versioning", "common", "sigstore", "policy"], "server/ imports only src/index.ts, scan/, image/, registry/, model/ and errors")]),
  area(["src/cli/**"], [{ regex: "^\\.\\./(?!index\\.js$)", message: "the CLI imports only the public API (src/index.ts)" }]),
  {
    files: ["**/*.test.ts", "test/**", "bench/**"],
    rules: { "no-restricted-imports": "off", "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
