import * as pulumi from "@pulumi/pulumi";
import { REGISTRATION_MODES, type RegistrationConfig, type RegistrationMode } from "../config-types";
import { readBoolean, readInteger, readObject, readString } from "./fields";
import { describeValue, type Problems } from "./problems";
import { APP_ID } from "./rules";

/** `registration` (issue 4's HubSpot side) and, in api mode, the secret developer credential it needs. */
export function readRegistration(
  problems: Problems,
  value: unknown,
  credential: pulumi.Input<string> | undefined,
): RegistrationConfig {
  const path = ["registration"];
  const raw = readObject(problems, path, value, [
    "mode",
    "appId",
    "maxConcurrentRequests",
    "retainOnDelete",
    "apiVersion",
    "credentialKind",
  ]);
  let mode: RegistrationMode = "manual";
  if (raw.mode !== undefined) {
    if ((REGISTRATION_MODES as readonly unknown[]).includes(raw.mode)) mode = raw.mode as RegistrationMode;
    else
      problems.add(
        [...path, "mode"],
        `${describeValue(raw.mode)} is not a registration mode`,
        `one of ${REGISTRATION_MODES.join(", ")} (default manual)`,
      );
  }
  const appId = readString(problems, [...path, "appId"], raw.appId, APP_ID);
  let apiVersion: RegistrationConfig["apiVersion"] = "v3";
  if (raw.apiVersion !== undefined) {
    if (raw.apiVersion === "v3" || raw.apiVersion === "2026-03") apiVersion = raw.apiVersion;
    else
      problems.add(
        [...path, "apiVersion"],
        `${describeValue(raw.apiVersion)} is not supported`,
        'one of "v3", "2026-03" (default v3)',
      );
  }
  let kind: "developerApiKey" | "oauthToken" = "developerApiKey";
  if (raw.credentialKind !== undefined) {
    if (raw.credentialKind === "developerApiKey" || raw.credentialKind === "oauthToken") kind = raw.credentialKind;
    else
      problems.add(
        [...path, "credentialKind"],
        `${describeValue(raw.credentialKind)} is not a credential kind`,
        "one of developerApiKey, oauthToken (default developerApiKey)",
      );
  }
  if (mode === "api") {
    if (raw.appId === undefined)
      problems.add([...path, "appId"], "missing", `required when mode is api; ${APP_ID.rule}`);
    if (credential === undefined) {
      problems.add(
        ["hubspotDeveloperCredential"],
        "missing",
        "registration mode api needs the app's developer API key or OAuth token: run `pulumi config set --secret hubspot-trigger:hubspotDeveloperCredential <value>`",
      );
    }
  }
  return {
    mode,
    ...(appId ? { appId } : {}),
    maxConcurrentRequests: readInteger(problems, [...path, "maxConcurrentRequests"], raw.maxConcurrentRequests, {
      min: 5,
      max: 10000,
      default: 10,
    }),
    retainOnDelete: readBoolean(problems, [...path, "retainOnDelete"], raw.retainOnDelete, false),
    apiVersion,
    ...(mode === "api" && credential !== undefined ? { credential: { kind, value: pulumi.secret(credential) } } : {}),
  };
}
