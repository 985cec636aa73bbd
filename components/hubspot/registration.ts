import * as pulumi from "@pulumi/pulumi";
import { hsmetaText, renderHsmeta } from "./hsmeta";
import { manualSteps } from "./manual-steps";
import { RemovalLedger, type LedgerEntry } from "./removal-ledger";
import { combineStatuses, type StatusReport } from "./status";
import type { ApiTransport, ApiVersion, CredentialKind, ObjectSubscriptionSpec, RegistrationStatus } from "./types";
import {
  checkAppId,
  checkMaxConcurrentRequests,
  checkSubscriptions,
  formatFailures,
  subscriptionKey,
  type CheckFailure,
} from "./validation";
import { WebhookSettings } from "./webhook-settings";
import { WebhookSubscription } from "./webhook-subscription";

export type RegistrationMode = "api" | "project" | "manual";

export interface HubSpotRegistrationArgs {
  /** api: keep the app's webhooks equal to the stack through HubSpot's API (public apps); project: render the
   * developer-platform hsmeta file; manual: print the steps (private apps). */
  mode: RegistrationMode;
  /** The public app's id; required in api mode. */
  appId?: pulumi.Input<string>;
  /** The listener's public webhook URL, exactly as HubSpot must call it. */
  webhookUrl: pulumi.Input<string>;
  /** The listener's /readyz, probed for `status` when reachable from where `pulumi up` runs. */
  readyzUrl?: pulumi.Input<string>;
  /** One per event type and, for propertyChange, per property. */
  subscriptions: ObjectSubscriptionSpec[];
  /** HubSpot webhook throttling, >= 5. */
  maxConcurrentRequests: number;
  /** Leave subscriptions and settings in HubSpot when the stack deletes them. */
  retainOnDelete: boolean;
  apiVersion: ApiVersion;
  /** Developer API key or OAuth token (secret). Without it, api mode reads HUBSPOT_DEVELOPER_API_KEY at call time. */
  credential?: { kind: CredentialKind; value: pulumi.Input<string> };
  /** uid of the webhooks component in the HubSpot project (project mode); default "<name>-webhooks". */
  projectUid?: string;
  /** HubSpot's API root, https://api.hubapi.com by default. */
  apiBaseUrl?: pulumi.Input<string>;
  /**
   * How api mode's calls reach HubSpot besides the base URL: the destination address (a Private Service Connect
   * endpoint) and the customer's proxy. Secret in state when it holds the proxy password.
   */
  transport?: pulumi.Input<ApiTransport>;
}

/** Internal. Exported for testing: the argument checks that decide the component's shape. */
export function checkRegistrationArgs(args: HubSpotRegistrationArgs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (!["api", "project", "manual"].includes(args.mode)) {
    failures.push({ property: "mode", reason: `${JSON.stringify(args.mode)} is not one of api, project, manual` });
  }
  if (args.mode === "api") {
    if (args.appId === undefined)
      failures.push({ property: "appId", reason: "is missing: api mode manages a public app's webhooks by its id" });
    else if (typeof args.appId === "string") failures.push(...checkAppId(args.appId));
  }
  failures.push(...checkMaxConcurrentRequests(args.maxConcurrentRequests));
  failures.push(...checkSubscriptions(args.subscriptions));
  if (args.mode !== "project") {
    args.subscriptions.forEach((spec, i) => {
      if (spec.eventType.startsWith("object.")) {
        failures.push({
          property: `subscriptions[${i}].eventType`,
          reason: `${spec.eventType} is a developer-platform (object.*) type: only project mode declares it; use ${spec.objectType ?? "contact"}.${spec.eventType.slice("object.".length)} in ${args.mode} mode`,
        });
      }
    });
  }
  if (args.subscriptions.length === 0)
    failures.push({ property: "subscriptions", reason: "is empty: HubSpot would deliver nothing" });
  return failures;
}

/** Resource-name suffix of one subscription: "contact-propertyChange-email". */
export function subscriptionSuffix(spec: ObjectSubscriptionSpec): string {
  return [spec.objectType, ...subscriptionKey(spec).split(/[./]/)].filter(Boolean).join("-");
}

/**
 * How the listener URL gets into HubSpot, in the mode that fits the app: `hubspot-trigger:hubspot:HubSpotRegistration`.
 */
export class HubSpotRegistration extends pulumi.ComponentResource {
  readonly status: pulumi.Output<RegistrationStatus>;
  readonly statusMessage: pulumi.Output<string>;
  /** Project mode: the webhooks-hsmeta.json text; undefined otherwise. */
  readonly hsmeta: pulumi.Output<string | undefined>;
  /** Manual mode: the numbered steps; undefined otherwise. */
  readonly manualSteps: pulumi.Output<string[] | undefined>;
  /** Api mode: HubSpot subscription id per subscription ("contact.propertyChange/email" -> "123"); {} otherwise. */
  readonly subscriptionIds: pulumi.Output<Record<string, string>>;
  readonly webhookUrl: pulumi.Output<string>;

  constructor(name: string, args: HubSpotRegistrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubspot-trigger:hubspot:HubSpotRegistration", name, {}, opts);
    const failures = checkRegistrationArgs(args);
    if (failures.length > 0) throw new Error(`HubSpotRegistration ${name}: ${formatFailures(failures)}`);
    this.webhookUrl = pulumi.output(args.webhookUrl);

    if (args.mode === "api") {
      const connection = {
        appId: args.appId as pulumi.Input<string>,
        apiVersion: args.apiVersion,
        apiBaseUrl: args.apiBaseUrl,
        retainOnDelete: args.retainOnDelete,
        credentialKind: args.credential?.kind ?? "developerApiKey",
        credential: args.credential?.value,
        transport: args.transport,
      };
      const settings = new WebhookSettings(
        `${name}-settings`,
        {
          ...connection,
          targetUrl: args.webhookUrl,
          maxConcurrentRequests: args.maxConcurrentRequests,
          readyzUrl: args.readyzUrl,
        },
        { parent: this },
      );
      // After the settings: HubSpot delivers nothing for subscriptions of an app without a target URL.
      const subscriptions = args.subscriptions.map((spec) => ({
        key: subscriptionKey(spec),
        resource: new WebhookSubscription(
          `${name}-${subscriptionSuffix(spec)}`,
          {
            ...connection,
            eventType: spec.eventType,
            propertyName: spec.propertyName,
            active: true,
            retainOnDelete: onRemoveOf(spec, args.retainOnDelete) === "keep",
          },
          { parent: this, dependsOn: [settings] },
        ),
      }));
      const reports = pulumi
        .all([
          reportOf("settings", settings.status, settings.statusMessage),
          ...subscriptions.map((s) => reportOf(s.key, s.resource.status, s.resource.statusMessage)),
        ])
        .apply(combineStatuses);
      this.status = reports.status;
      this.statusMessage = reports.statusMessage;
      this.subscriptionIds = pulumi
        .all(subscriptions.map((s) => s.resource.subscriptionId.apply((id) => [s.key, id] as const)))
        .apply((pairs) => Object.fromEntries(pairs));
      this.hsmeta = pulumi.output(undefined);
      this.manualSteps = pulumi.output(undefined);
    } else if (args.mode === "project") {
      const uid = args.projectUid ?? `${name}-webhooks`;
      const ledger = new RemovalLedger(`${name}-removals`, { subscriptions: ledgerEntries(args) }, { parent: this });
      this.hsmeta = pulumi.all([args.webhookUrl, ledger.retained]).apply(([targetUrl, retained]) =>
        hsmetaText(
          renderHsmeta({
            uid,
            targetUrl,
            maxConcurrentRequests: args.maxConcurrentRequests,
            // Kept ones stay declared: `hs project upload` makes HubSpot's subscriptions equal to the file.
            subscriptions: [...args.subscriptions, ...(retained ?? []).map(specOf)],
          }),
        ),
      );
      this.status = pulumi.output<RegistrationStatus>("Creating");
      this.statusMessage = pulumi
        .all([ledger.retained, ledger.toDelete])
        .apply(
          ([retained, toDelete]) =>
            "project mode: write the hsmeta output to src/app/webhooks/webhooks-hsmeta.json and run `hs project upload`" +
            removalNote(retained ?? [], toDelete ?? [], "the upload deletes"),
        );
      this.manualSteps = pulumi.output(undefined);
      this.subscriptionIds = pulumi.output<Record<string, string>>({});
    } else {
      const ledger = new RemovalLedger(`${name}-removals`, { subscriptions: ledgerEntries(args) }, { parent: this });
      this.manualSteps = pulumi
        .all([args.webhookUrl, args.appId, ledger.retained, ledger.toDelete])
        .apply(([webhookUrl, appId, retained, toDelete]) =>
          manualSteps({
            webhookUrl,
            appId,
            maxConcurrentRequests: args.maxConcurrentRequests,
            subscriptions: args.subscriptions,
            retained: (retained ?? []).map(specOf),
            toDelete: (toDelete ?? []).map(specOf),
          }),
        );
      this.status = pulumi.output<RegistrationStatus>("Creating");
      this.statusMessage = pulumi.output(
        "manual mode: follow manualSteps in HubSpot's UI; this stack cannot see HubSpot",
      );
      this.hsmeta = pulumi.output(undefined);
      this.subscriptionIds = pulumi.output<Record<string, string>>({});
    }

    this.registerOutputs({
      status: this.status,
      statusMessage: this.statusMessage,
      hsmeta: this.hsmeta,
      manualSteps: this.manualSteps,
      subscriptionIds: this.subscriptionIds,
      webhookUrl: this.webhookUrl,
    });
  }
}

function onRemoveOf(spec: ObjectSubscriptionSpec, retainOnDelete: boolean): "keep" | "delete" {
  return spec.onRemove ?? (retainOnDelete ? "keep" : "delete");
}

function ledgerEntries(args: HubSpotRegistrationArgs): LedgerEntry[] {
  return args.subscriptions.map((spec) => ({
    key: subscriptionKey(spec),
    eventType: spec.eventType,
    ...(spec.propertyName !== undefined && { propertyName: spec.propertyName }),
    onRemove: onRemoveOf(spec, args.retainOnDelete),
  }));
}

function specOf(entry: LedgerEntry): ObjectSubscriptionSpec {
  return { eventType: entry.eventType, ...(entry.propertyName !== undefined && { propertyName: entry.propertyName }) };
}

/** What became of the subscriptions the stack stopped declaring, for the status message. */
function removalNote(retained: LedgerEntry[], toDelete: LedgerEntry[], deletedBy: string): string {
  const keys = (entries: LedgerEntry[]) => entries.map((entry) => entry.key).join(", ");
  return (
    (retained.length > 0 ? `; kept after removal (onRemove keep), still declared: ${keys(retained)}` : "") +
    (toDelete.length > 0 ? `; removed (onRemove delete), ${deletedBy}: ${keys(toDelete)}` : "")
  );
}

function reportOf(
  name: string,
  status: pulumi.Output<RegistrationStatus>,
  message: pulumi.Output<string>,
): pulumi.Output<{ name: string; report: StatusReport }> {
  // Undefined during preview and under mocks: not yet known reads as Creating, never as Active.
  return pulumi.all([status, message]).apply(([s, m]) => ({
    name,
    report: { status: s ?? "Creating", statusMessage: m ?? "not created yet" },
  }));
}
