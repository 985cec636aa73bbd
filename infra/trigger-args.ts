// The program's one translation: the validated stack config -> the component library's HubSpotTriggerArgs.
import type { HubSpotTriggerArgs, SecretArgs } from "../components/args";
import type { SecretSource, StackConfig } from "./config-types";

/** Secret config becomes a value the component stores; an `<key>Ref` becomes a reference it only binds. */
function secretArgs(source: SecretSource): SecretArgs {
  return source.kind === "managed" ? source.value : { secret: source.secret, version: source.version };
}

/**
 * The component's args from the stack config. Sections pass through as the config holds them; the component fills
 * in whatever a section leaves out, with the same defaults the config documents.
 */
export function hubSpotTriggerArgs(config: StackConfig): HubSpotTriggerArgs {
  const { connectorVersion, ...managed } = config.managed;
  return {
    ...config,
    clientSecret: secretArgs(config.clientSecret),
    previousClientSecret: config.previousClientSecret && secretArgs(config.previousClientSecret),
    accessToken: config.accessToken && secretArgs(config.accessToken),
    proxyPassword: config.proxyPassword && secretArgs(config.proxyPassword),
    // The config's `enabled` is derived from network/subnetwork; the component derives it again.
    egress: config.egress.enabled ? config.egress : undefined,
    // The section always parses (defaults); only the managed backend takes it, and validation required its version.
    managed:
      config.backend === "managed" && connectorVersion !== undefined ? { ...managed, connectorVersion } : undefined,
  };
}
