import { TYPES } from "../lib/conventions";
import { envVars } from "../lib/cloud-run";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { readString } from "../lib/values";

/** Variables that carry secret material: the conventions' names, and anything named like a credential. */
const SECRET_VARIABLES = ["HUBSPOT_CLIENT_SECRET", "HUBSPOT_CLIENT_SECRET_PREVIOUS", "HUBSPOT_ACCESS_TOKEN"];
const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|API_?KEY|CREDENTIALS?)$/;

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
      if (data === "") report("The secret version's secretData is empty.");
      return;
    }
    for (const env of envVars(props)) {
      const isSecret = SECRET_VARIABLES.includes(env.name) || SECRET_NAME.test(env.name);
      if (isSecret && env.value !== undefined) {
        // Never echo the value: it is the secret.
        report(`Container ${env.container} sets ${env.name} as a literal value; use valueSource.secretKeyRef.`);
      }
    }
  }),
};
