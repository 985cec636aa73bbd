import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { ProxySettings } from "../contract/hubspot-transport";
import type { ResolvedArgs, ResolvedProxy } from "./defaults";
import type { ApiTransport } from "./hubspot/types";
import { parseExistingSecret } from "./secrets";

/*
 * How the stack's HubSpot calls travel (destination address, proxy), in the two shapes its callers take: the
 * dispatcher's environment (the password as a Secret Manager reference) and the registration provider's input (the
 * password as a Pulumi secret).
 */

/** The proxy as the runtime and the provider take it, without the password; undefined when there is none. */
export function proxySettings(proxy: ResolvedProxy): Omit<ProxySettings, "password"> | undefined {
  if (!proxy.enabled || proxy.host === undefined) return undefined;
  const { enabled: _enabled, ...settings } = proxy;
  return { ...settings, host: proxy.host };
}

/**
 * How the registration provider reaches HubSpot at deploy time: the same address and proxy as the dispatcher. The
 * password comes from the stack's secret config, or is read from the existing secret with the deployer's credentials;
 * the provider makes the whole value secret in state.
 */
export function registrationTransport(
  args: ResolvedArgs,
  address: pulumi.Output<string> | undefined,
): pulumi.Input<ApiTransport> | undefined {
  const proxy = proxySettings(args.proxy);
  if (address === undefined && proxy === undefined) return undefined;
  const source = args.proxyPassword;
  const password: pulumi.Input<string> | undefined =
    source === undefined
      ? undefined
      : source.kind === "managed"
        ? source.value
        : existingSecretValue(source.secret, source.version, args.project);
  return pulumi.all([address, password]).apply(([endpoint, secret]) => ({
    ...(endpoint !== undefined && { address: endpoint }),
    ...(proxy !== undefined && { proxy: { ...proxy, ...(secret !== undefined && { password: secret }) } }),
  }));
}

/** An existing secret's value, read at deploy time with the deployer's credentials, kept secret. */
function existingSecretValue(secret: string, version: string, project: pulumi.Input<string>): pulumi.Output<string> {
  const parsed = parseExistingSecret("proxyPasswordRef", secret, version);
  const read = gcp.secretmanager.getSecretVersionOutput({
    secret: parsed.secretId,
    project: parsed.project ?? project,
    version,
  });
  return pulumi.secret(read.secretData);
}
