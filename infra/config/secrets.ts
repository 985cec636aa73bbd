import * as pulumi from "@pulumi/pulumi";
import type { SecretSource } from "../config-types";
import { readObject, readString } from "./fields";
import type { Problems } from "./problems";
import { SECRET_REF, SECRET_VERSION } from "./rules";

/**
 * A secret comes either from secret config (`<key>`, created in Secret Manager by the stack) or from an existing
 * Secret Manager secret (`<key>Ref: {secret, version}`, the seed's "secret + version" picker). Never both.
 * Secret values are only checked for presence: reading them in clear here would put them at risk in error messages.
 */
export function readSecretSource(
  problems: Problems,
  key: string,
  secretValue: pulumi.Input<string> | undefined,
  refValue: unknown,
  required: { needed: boolean; why: string },
): SecretSource | undefined {
  const refKey = `${key}Ref`;
  const hasRef = refValue !== undefined && refValue !== null;
  if (secretValue !== undefined && hasRef) {
    problems.add(
      [refKey],
      `is set together with the secret ${key}`,
      `set either \`pulumi config set --secret hubspot-trigger:${key} ...\` or ${refKey}, not both`,
    );
    return undefined;
  }
  if (secretValue !== undefined) return { kind: "managed", value: pulumi.secret(secretValue) };
  if (hasRef) {
    const raw = readObject(problems, [refKey], refValue, ["secret", "version"]);
    if (raw.secret === undefined) problems.add([refKey, "secret"], "missing", `required; ${SECRET_REF.rule}`);
    const secret = readString(problems, [refKey, "secret"], raw.secret, SECRET_REF);
    const version = readString(problems, [refKey, "version"], raw.version ?? "latest", SECRET_VERSION);
    if (secret === undefined || version === undefined) return undefined;
    return { kind: "existing", secret, version };
  }
  if (required.needed) {
    problems.add(
      [key],
      "missing",
      `${required.why}: run \`pulumi config set --secret hubspot-trigger:${key} <value>\` or set ${refKey}: {secret, version}`,
    );
  }
  return undefined;
}
