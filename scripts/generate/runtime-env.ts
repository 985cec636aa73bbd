/**
 * docs/runtime-environment.md from the runtime environment's schemas (contract/runtime-env*.ts): one table per role
 * and one for the trigger table's fields, so the docs say what the runtime reads and nothing else.
 */
import type { z } from "zod";
import { DISPATCHER_ENV_SCHEMA, LISTENER_ENV_SCHEMA } from "../../contract/runtime-env";
import { TRIGGER_TABLE_FIELDS, TRIGGER_TABLE_RULE } from "../../contract/runtime-env-triggers";
import { ENV_VAR_DOCS } from "../../contract/runtime-env-values";
import type { Generator } from "./index";

export const RUNTIME_ENV_DOC = "docs/runtime-environment.md";

/** A table cell: pipes escaped, so a rule quoting `a|b` stays in its column. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function table(schema: z.ZodObject): string {
  const rows = Object.entries(schema.shape).map(([name, variable]) => {
    const doc = ENV_VAR_DOCS.get(variable);
    if (!doc) throw new Error(`${name} has no doc: build it with required/withDefault/optional`);
    const description = doc.secret ? `Secret: never logged or echoed. ${doc.description}` : doc.description;
    return `| \`${name}\` | ${cell(doc.whenUnset)} | ${cell(doc.rule)} | ${cell(description)} |`;
  });
  return ["| Variable | Default | Rule | Description |", "|---|---|---|---|", ...rows].join("\n");
}

function triggerFields(): string {
  const rows = TRIGGER_TABLE_FIELDS.map(
    (field) => `| \`${field.key}\` | ${cell(field.rule)} | ${cell(field.description)} |`,
  );
  return ["| Field | Rule | Description |", "|---|---|---|", ...rows].join("\n");
}

export const runtimeEnvDoc: Generator = () => [
  {
    file: RUNTIME_ENV_DOC,
    content: `<!-- Generated from contract/runtime-env*.ts by scripts/generate/runtime-env.ts: do not edit, change the schemas and run \`npm run generate\`. -->

# Runtime environment

The environment of each Cloud Run role, as the runtime validates it at start. The components write exactly these
variables (\`components/runtime-env.ts\`); the runtime reads them through the same schemas
(\`contract/runtime-env.ts\`). A revision with an invalid environment logs every problem at once (the variable, what
is wrong with the value, the rule; a secret's value never) and exits with code 78.

An empty value counts as unset. Booleans are \`true\` or \`false\`; lists are comma-separated, blanks trimmed.

## Listener role

Besides each variable's own rule: with Pub/Sub publishing (\`LISTENER_SINK\` \`pubsub\`, or \`auto\` with
\`EVENTS_TOPIC\` set) \`EVENTS_TOPIC\` and \`DEAD_LETTER_TOPIC\` are required, a bare topic name needs
\`GOOGLE_CLOUD_PROJECT\`, and \`HUBSPOT_CLIENT_SECRET_PREVIOUS\` must differ from \`HUBSPOT_CLIENT_SECRET\`.

${table(LISTENER_ENV_SCHEMA)}

## Dispatcher role

Besides each variable's own rule: \`INTEGRATIONS_ENDPOINT\` and \`HUBSPOT_API_BASE_URL\` are https (plain http only on
loopback), and \`HUBSPOT_ACCESS_TOKEN\` is required when an \`ENRICHMENT_*_PROPERTIES\` list is set.

${table(DISPATCHER_ENV_SCHEMA)}

## The trigger table (\`DISPATCHER_TRIGGERS\`)

${TRIGGER_TABLE_RULE.charAt(0).toUpperCase() + TRIGGER_TABLE_RULE.slice(1)}. Each entry:

${triggerFields()}
`,
  },
];
