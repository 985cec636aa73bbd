// The Pulumi program: stack config -> the component's args -> HubSpotTrigger -> the stack outputs contract
// (components/outputs.ts).
import { HubSpotTrigger } from "../components/hubspot-trigger";
import { stackOutputs } from "../components/outputs";
import { loadStackConfig } from "./config";
import { hubSpotTriggerArgs } from "./trigger-args";

const config = loadStackConfig();
const trigger = new HubSpotTrigger(config.connectionName, hubSpotTriggerArgs(config));
const outputs = stackOutputs(trigger);

export const webhookUrl = outputs.webhookUrl;
export const eventsTopic = outputs.eventsTopic;
export const deadLetterTopic = outputs.deadLetterTopic;
export const deadLetterSubscription = outputs.deadLetterSubscription;
export const serviceAccounts = outputs.serviceAccounts;
export const dispatcherUrl = outputs.dispatcherUrl;
export const serviceAttachment = outputs.serviceAttachment;
export const secrets = outputs.secrets;
export const triggers = outputs.triggers;
export const registration = outputs.registration;
export const statusDatabase = outputs.statusDatabase;
export const connection = outputs.connection;
