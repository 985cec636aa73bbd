// A consumer stack: reads a hubspot-trigger stack's outputs and subscribes its own service to the events topic.
import * as pulumi from "@pulumi/pulumi";
import { EVENT_TYPES } from "../../contract/events";
import { EventsConsumer } from "./events-consumer";

const config = new pulumi.Config();
const upstream = new pulumi.StackReference(config.require("upstreamStack"));
const eventTypes = config.getObject<string[]>("eventTypes") ?? [];
const unknown = eventTypes.filter((type) => !(EVENT_TYPES as readonly string[]).includes(type));
if (unknown.length > 0) {
  throw new Error(`eventTypes has unknown types ${unknown.join(", ")}: allowed are ${EVENT_TYPES.join(", ")}`);
}
const image = config.get("image");
const consumer = new EventsConsumer(config.get("consumerName") ?? "hubspot-consumer", {
  project: new pulumi.Config("gcp").require("project"),
  region: config.get("region") ?? "europe-west1",
  eventsTopic: upstream.requireOutput("eventsTopic").apply((topic) => String(topic)),
  eventTypes,
  image: image ? image : undefined,
});

export const subscription = consumer.subscription.id;
export const serviceAccount = consumer.account.email;
export const serviceUrl = consumer.service?.uri;
