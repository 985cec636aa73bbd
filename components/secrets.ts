import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { LabelArgs, resourceLabels } from "./labels";

/**
 * Where a secret's value comes from: `managed` is created in Secret Manager by this component from a (secret) value;
 * `existing` is a secret Secret Manager already holds (`projects/P/secrets/S` or an id in `project`) at a version.
 */
export type SecretSource =
  | { readonly kind: "managed"; readonly value: pulumi.Input<string> }
  | { readonly kind: "existing"; readonly secret: string; readonly version: string };

/** Which secret, as Cloud Run's `secretKeyRef` and the outputs name it. Never the value. */
export interface SecretReference {
  /** `secretKeyRef.secret`: the secret id in this project, or `projects/P/secrets/S` in another one. */
  readonly secret: pulumi.Output<string>;
  /** The pinned version ("1", "2", ... or "latest" when an existing secret is referenced that way). */
  readonly version: pulumi.Output<string>;
  /** Full resource path `projects/P/secrets/S`. */
  readonly path: pulumi.Output<string>;
  /** The path's project and secret id, as IAM bindings on the secret name them. */
  readonly project: pulumi.Output<string>;
  readonly secretId: pulumi.Output<string>;
  /** The accessor binding: Cloud Run checks secret access when it deploys a revision, so services wait for it. */
  readonly access: gcp.secretmanager.SecretIamMember;
}

export interface SecretSpec {
  readonly source: SecretSource;
  /** Secret id to create when the source is managed (from `resourceNames`). */
  readonly secretId: pulumi.Input<string>;
  /** The one member that may read it (`serviceAccount:...`). */
  readonly accessor: pulumi.Input<string>;
}

export interface TriggerSecretsArgs extends LabelArgs {
  readonly project: pulumi.Input<string>;
  /** Seed: "Code secret du client": the signature key, read by the listener. */
  readonly clientSecret: SecretSpec;
  /** The client secret still accepted during a rotation, read by the listener. */
  readonly previousClientSecret?: SecretSpec;
  /** Seed: "Jeton d'accès à l'application privée", read by the dispatcher for enrichment. */
  readonly accessToken?: SecretSpec;
  /** Seed: "Mot de passe du proxy", read by the dispatcher (the one runtime identity that calls HubSpot). */
  readonly proxyPassword?: SecretSpec;
  /** Regions for user-managed replication; automatic replication when absent or empty. */
  readonly replicaLocations?: readonly string[];
}

const SECRET_ID = /^[a-zA-Z0-9_-]{1,255}$/;
const SECRET_PATH = /^projects\/([^/]+)\/secrets\/([a-zA-Z0-9_-]{1,255})$/;
const VERSION = /^(latest|[1-9][0-9]*)$/;

/** Splits an existing secret reference into project and id. Internal. Exported for testing. */
export function parseExistingSecret(
  field: string,
  secret: string,
  version: string,
): { project?: string; secretId: string } {
  const path = SECRET_PATH.exec(secret);
  if (!path && !SECRET_ID.test(secret)) {
    throw new Error(`${field}.secret "${secret}" must be a secret id ([a-zA-Z0-9_-], 1-255) or projects/P/secrets/S`);
  }
  if (!VERSION.test(version)) {
    throw new Error(`${field}.version "${version}" must be a version number (1, 2, ...) or "latest"`);
  }
  return path ? { project: path[1], secretId: path[2] } : { secretId: secret };
}

/**
 * Secret Manager secrets of a trigger. Managed ones are created with a version from Pulumi secret config; existing
 * ones are only referenced. Either way `roles/secretmanager.secretAccessor` is bound on that secret alone, for the
 * one account that reads it: never project-wide.
 */
export class TriggerSecrets extends pulumi.ComponentResource {
  readonly clientSecret: SecretReference;
  readonly previousClientSecret?: SecretReference;
  readonly accessToken?: SecretReference;
  readonly proxyPassword?: SecretReference;

  constructor(name: string, args: TriggerSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubspot-trigger:secrets:TriggerSecrets", name, {}, opts);
    const labels = resourceLabels(args, "secrets");
    const replication: gcp.types.input.secretmanager.SecretReplication =
      args.replicaLocations && args.replicaLocations.length > 0
        ? { userManaged: { replicas: args.replicaLocations.map((location) => ({ location })) } }
        : { auto: {} };

    const secret = (key: string, field: string, spec: SecretSpec): SecretReference => {
      const source = spec.source;
      if (source.kind === "managed") {
        const created = new gcp.secretmanager.Secret(
          `${name}-${key}`,
          { project: args.project, secretId: spec.secretId, replication, labels },
          { parent: this },
        );
        const version = new gcp.secretmanager.SecretVersion(
          `${name}-${key}-version`,
          { secret: created.id, secretData: pulumi.secret(source.value) },
          { parent: this },
        );
        const access = new gcp.secretmanager.SecretIamMember(
          `${name}-${key}-accessor`,
          {
            project: args.project,
            secretId: created.secretId,
            role: "roles/secretmanager.secretAccessor",
            member: spec.accessor,
          },
          { parent: this },
        );
        return {
          secret: created.secretId,
          version: version.version,
          path: pulumi.interpolate`projects/${created.project}/secrets/${created.secretId}`,
          project: created.project,
          secretId: created.secretId,
          access,
        };
      }
      const parsed = parseExistingSecret(field, source.secret, source.version);
      const project = parsed.project ?? args.project;
      const access = new gcp.secretmanager.SecretIamMember(
        `${name}-${key}-accessor`,
        {
          project,
          secretId: parsed.secretId,
          role: "roles/secretmanager.secretAccessor",
          member: spec.accessor,
        },
        { parent: this },
      );
      return {
        secret: pulumi.output(source.secret),
        version: pulumi.output(source.version),
        path: pulumi.interpolate`projects/${project}/secrets/${parsed.secretId}`,
        project: pulumi.output(project),
        secretId: pulumi.output(parsed.secretId),
        access,
      };
    };

    this.clientSecret = secret("client-secret", "clientSecret", args.clientSecret);
    if (args.previousClientSecret) {
      this.previousClientSecret = secret("previous-client-secret", "previousClientSecret", args.previousClientSecret);
    }
    if (args.accessToken) this.accessToken = secret("access-token", "accessToken", args.accessToken);
    if (args.proxyPassword) this.proxyPassword = secret("proxy-password", "proxyPassword", args.proxyPassword);

    this.registerOutputs({
      clientSecret: this.clientSecret.path,
      previousClientSecret: this.previousClientSecret?.path,
      accessToken: this.accessToken?.path,
      proxyPassword: this.proxyPassword?.path,
    });
  }
}
