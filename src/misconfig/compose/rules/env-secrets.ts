// Literal secrets in `environment` are visible in the file, `docker inspect` and the process list.
import type { ComposeRule } from "../doc.js";
import { composeYaml, eachService, hit, isObj, str } from "../doc.js";
import type { RuleHit } from "../../types.js";
import { isLiteralSecret, looksSecretName } from "../../kubernetes/credentials.js";

export const envSecrets: ComposeRule = {
  id: "BW-COMPOSE-008",
  title: "Secret in service environment",
  severity: "HIGH",
  remediation: "Use Compose `secrets:` (mounted files) or `${VAR}` interpolation from an untracked .env file instead of literal values.",
  references: { urls: ["https://docs.docker.com/compose/how-tos/use-secrets/"] },
  check: (doc) =>
    eachService(doc, (s) => {
      const out: RuleHit[] = [];
      const env = s.obj.environment;
      const report = (name: string, value: string | undefined, path: (string | number)[]) => {
        if (value !== undefined && looksSecretName(name) && isLiteralSecret(value)) {
          out.push(hit(s, doc.lineOf(s, path), `service "${s.name}" sets ${name} to a literal value`));
        }
      };
      if (isObj(env)) {
        for (const [k, v] of Object.entries(env)) report(k, str(v), ["environment", k]);
      } else if (Array.isArray(env)) {
        env.forEach((e, i) => {
          const entry = str(e) ?? "";
          const eq = entry.indexOf("=");
          if (eq > 0) report(entry.slice(0, eq), entry.slice(eq + 1), ["environment", i]);
        });
      }
      return out;
    }),
  examples: {
    good: [composeYaml(["environment:", "  DB_PASSWORD: ${DB_PASSWORD}", "  LOG_LEVEL: debug"]), composeYaml(["environment:", "  - DB_PASSWORD_FILE=/run/secrets/db"])],
    bad: [composeYaml(["environment:", "  DB_PASSWORD: hunter2hunter2"]), composeYaml(["environment:", "  - API_TOKEN=abcd1234efgh"])],
  },
};
