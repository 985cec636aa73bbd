import { configKey, SECRETS, TYPES } from "../lib/conventions";
import { envVars } from "../lib/cloud-run";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { readString } from "../lib/values";

/** Variables that carry secret material: the conventions' names, and anything named like a credential. */
const SECRET_VARIABLES: readonly string[] = SECRETS.map((secret) => secret.variable);
const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|API_?KEY|CREDENTIALS?)$/;

/** How a secret's config key fixes it: set with --secret, or pointed at an existing Secret Manager secret. */
function fixFor(secret: (typeof SECRETS)[number] | undefined): string {
  if (!secret) return "";
  const key = configKey(secret.config);
  return `: set it with \`pulumi config set --secret ${key}\`, or reference an existing secret with ${key}Ref`;
}

/**
 * Severity: critical. Protects against secret material stored where it is readable in clear text: a literal Cloud
 * Run environment value is visible to anyone with run.services.get (roles/run.viewer) and in the revision history;
 * the value must come from Secret Manager (`valueSource.secretKeyRef`), whose versions this stack fills from
 * Pulumi secret config. An empty secret version is also refused: it would make every signature check fail.
 * https://cloud.google.com/run/docs/configuring/services/secrets
 */
export const secretMaterial: ResourceRule = {
  name: "hubspot-trigger-secretmanager-secret-material",
  description:
    "Secret material reaches Cloud Run only through Secret Manager references and secret versions are never empty.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Set the value with `pulumi config set --secret hubspot-trigger:<key>` (or reference an existing Secret Manager " +
    "secret) and pass it to the container as `valueSource.secretKeyRef`, never as `value`.",
  url: "https://cloud.google.com/run/docs/configuring/services/secrets",
  validateResource: validateResourceOfTypes([TYPES.cloudRunService, TYPES.secretVersion], (props, args, report) => {
    if (args.type === TYPES.secretVersion) {
      const data = readString(props, "secretData");
      // Versions are named `<component>-<secret>-version`; the longer names come first in SECRETS.
      const secret = SECRETS.find((candidate) => args.name.endsWith(`-${candidate.resource}-version`));
      if (data === "") report(`The secret version's secretData is empty${fixFor(secret)}.`);
      return;
    }
    for (const env of envVars(props)) {
      const isSecret = SECRET_VARIABLES.includes(env.name) || SECRET_NAME.test(env.name);
      if (isSecret && env.value !== undefined) {
        // Never echo the value: it is the secret.
        const fix = fixFor(SECRETS.find((secret) => secret.variable === env.name));
        report(`Container ${env.container} sets ${env.name} as a literal value; use valueSource.secretKeyRef${fix}.`);
      }
    }
  }),
};
