/**
 * The `hubspot-trigger` config namespace, declared once. Pulumi.yaml's `config:` block and the keys table of
 * docs/configuration.md are generated from it (`npm run generate`), and `infra/config.ts` validates a stack with it.
 *
 * Parsing takes the namespace's plain values (JSON-decoded for structured keys) and reports every problem with its path.
 * What the schema cannot see is checked by `parseStackConfig`, in one step after parsing: the presence of the four
 * secret keys (pulumi Inputs, never parsed), the stack name and `gcp:project` / `gcp:region`, and the defaults computed
 * from them or from other keys.
 */

export { EVENT_TYPES, type EventType } from "./events";
export * from "./stack-config/alerts";
export * from "./stack-config/fields";
export * from "./stack-config/identity";
export * from "./stack-config/managed";
export * from "./stack-config/namespace";
export * from "./stack-config/network";
export * from "./stack-config/outbound";
export * from "./stack-config/resolve";
export * from "./stack-config/rules";
export * from "./stack-config/sections";
export * from "./stack-config/triggers";
