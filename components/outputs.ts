import * as pulumi from "@pulumi/pulumi";
import type { HubSpotTrigger, RegistrationOutput, SecretOutput, TriggerOutput } from "./hubspot-trigger";

/**
 * The stack outputs contract of `infra/index.ts`, as other stacks read it through `StackReference`. Plain names,
 * ids, emails and URLs; secret ids and versions, never values.
 */
export interface StackOutputs {
  webhookUrl: string;
  eventsTopic: string;
  deadLetterTopic: string;
  deadLetterSubscription: string;
  serviceAccounts: { listener: string; trigger: string; push: string };
  dispatcherUrl: string;
  /** Only when Private Service Connect is on. */
  serviceAttachment?: string;
  secrets: {
    clientSecret: SecretOutput;
    previousClientSecret?: SecretOutput;
    accessToken?: SecretOutput;
    proxyPassword?: SecretOutput;
  };
  triggers: TriggerOutput[];
  /** How the webhook URL reached HubSpot and the subscription status (Creating / Active / Error). */
  registration?: RegistrationOutput;
  /** The status store's Firestore database id (in the stack's project): what `npm run status` reads. Absent from
   * stacks last deployed before the status store existed. */
  statusDatabase?: string;
  /** Only with the managed backend: the Integration Connectors connection, `projects/P/locations/L/connections/C`. */
  connection?: string;
}

/** Output names every stack has (serviceAttachment only with Private Service Connect). */
export const STACK_OUTPUT_NAMES = [
  "webhookUrl",
  "eventsTopic",
  "deadLetterTopic",
  "deadLetterSubscription",
  "serviceAccounts",
  "dispatcherUrl",
  "serviceAttachment",
  "secrets",
  "triggers",
  "registration",
  "statusDatabase",
  "connection",
] as const satisfies readonly (keyof StackOutputs)[];

/** The outputs of one `HubSpotTrigger`, keyed as the stack exports them. */
export function stackOutputs(trigger: HubSpotTrigger): { [K in keyof StackOutputs]-?: pulumi.Output<StackOutputs[K]> } {
  return {
    webhookUrl: trigger.webhookUrl,
    eventsTopic: trigger.eventsTopic,
    deadLetterTopic: trigger.deadLetterTopic,
    deadLetterSubscription: trigger.deadLetterSubscription,
    serviceAccounts: trigger.serviceAccounts,
    dispatcherUrl: trigger.dispatcherUrl,
    serviceAttachment: trigger.serviceAttachment ?? pulumi.output(undefined),
    secrets: trigger.secrets,
    triggers: trigger.triggers,
    registration: trigger.registrationStatus ?? pulumi.output(undefined),
    statusDatabase: trigger.statusDatabase,
    connection: trigger.managedBackend?.connection.id ?? pulumi.output(undefined),
  };
}
