import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { STATUS_COLLECTIONS, WINDOW_EXPIRE_FIELD } from "../../contract/status-store";
import type { Grantee } from "../identity";

/** The role the runtime accounts hold on the status database: read and write documents, nothing else. */
export const STATUS_STORE_ROLE = "roles/datastore.user";

/**
 * The IAM condition that narrows a project-level Firestore grant to one database. Firestore has no per-database IAM
 * resource; Google documents per-database access as a project binding with this condition on `resource.name`
 * (https://cloud.google.com/firestore/docs/manage-databases#configure_access). The policy pack accepts exactly this
 * form (policies/rules/hubspot-trigger-iam-resource-level-bindings.ts).
 */
export function databaseCondition(project: string, database: string): { title: string; expression: string } {
  return {
    title: `only-${database}`.slice(0, 100),
    expression: `resource.name == "projects/${project}/databases/${database}"`,
  };
}

export interface StatusStoreArgs {
  project: pulumi.Input<string>;
  /** The database's location: the stack's region. */
  region: pulumi.Input<string>;
  databaseName: pulumi.Input<string>;
  deletionProtection: boolean;
  /** Accounts that write signals (the listener's and the dispatcher's). */
  writers: Grantee[];
}

/**
 * The status store (contract/status-store.ts): a named Firestore database in native mode, in the stack's region, so
 * the project's `(default)` database is never touched; the TTL policy that deletes expired window buckets; and
 * `roles/datastore.user` for each writer on this database only. `hubspot-trigger:status:StatusStore`.
 */
export class StatusStore extends pulumi.ComponentResource {
  readonly database: gcp.firestore.Database;
  /** The database id, as STATUS_DATABASE and the `statusDatabase` output carry it. */
  readonly databaseName: pulumi.Output<string>;

  constructor(name: string, args: StatusStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubspot-trigger:status:StatusStore", name, {}, opts);
    this.database = new gcp.firestore.Database(
      `${name}-database`,
      {
        project: args.project,
        name: args.databaseName,
        locationId: args.region,
        type: "FIRESTORE_NATIVE",
        deleteProtectionState: args.deletionProtection ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED",
        // The provider's default, ABANDON, would leave the database behind on `pulumi destroy`.
        deletionPolicy: "DELETE",
      },
      { parent: this },
    );
    this.databaseName = this.database.name;

    // Window buckets carry `expireAt`; Firestore deletes them after it (typically within 24 hours of it:
    // https://cloud.google.com/firestore/docs/ttl), so the store never grows with time.
    new gcp.firestore.Field(
      `${name}-window-ttl`,
      {
        project: args.project,
        database: this.database.name,
        collection: STATUS_COLLECTIONS.windows,
        field: WINDOW_EXPIRE_FIELD,
        ttlConfig: {},
        // No single-field index on a field only TTL reads: fewer index writes per bucket.
        indexConfig: {},
      },
      { parent: this },
    );

    for (const writer of args.writers) {
      new gcp.projects.IAMMember(
        `${name}-${writer.key}-datastore-user`,
        {
          project: args.project,
          role: STATUS_STORE_ROLE,
          member: writer.member,
          condition: pulumi
            .all([args.project, this.database.name])
            .apply(([project, database]) => databaseCondition(project, database)),
        },
        { parent: this },
      );
    }

    this.registerOutputs({ databaseName: this.databaseName });
  }
}
