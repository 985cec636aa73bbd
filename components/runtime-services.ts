import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { HTTP_PATHS } from "../contract/http";
import type { ScalingConfig } from "./args";
import type { Grantee } from "./identity";
import { LabelArgs, resourceLabels } from "./labels";
import type { RuntimeEnv } from "./runtime-env";

/** Port the runtime/ image serves on; Cloud Run passes it as PORT. */
export const CONTAINER_PORT = 8080;

/** One Cloud Run service of the runtime (both roles run the same image). */
export interface RuntimeServiceArgs {
  readonly serviceName: pulumi.Input<string>;
  /** Email of the account the service runs as. */
  readonly serviceAccountEmail: pulumi.Input<string>;
  readonly scaling: ScalingConfig;
  readonly env: RuntimeEnv;
  /** Request timeout, seconds. */
  readonly timeoutSeconds: number;
  /** Resources the revision needs first: the secret accessor bindings (Cloud Run checks access on deploy). */
  readonly dependsOn?: pulumi.Resource[];
  /** Direct VPC egress; absent: none. */
  readonly vpcAccess?: gcp.types.input.cloudrunv2.ServiceTemplateVpcAccess;
}

export interface RuntimeServicesArgs extends LabelArgs {
  readonly project: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  /** Container image of `runtime/` (both roles). */
  readonly image: pulumi.Input<string>;
  /** Public: HubSpot cannot authenticate with IAM, so the signature check is the gate. */
  /** Absent with the managed backend (Google's connector receives the webhooks). */
  readonly listener?: RuntimeServiceArgs;
  /** Private: internal ingress, invocable only by `dispatcherInvokers`. */
  readonly dispatcher: RuntimeServiceArgs;
  /** Members allowed to invoke the dispatcher: the push identity. */
  readonly dispatcherInvokers: readonly Grantee[];
  /** Cloud Run's own guard against `pulumi destroy` (the provider defaults to true; we take the config's value). */
  readonly deletionProtection: boolean;
}

function container(image: pulumi.Input<string>, env: RuntimeEnv): gcp.types.input.cloudrunv2.ServiceTemplateContainer {
  const plain = Object.entries(env.plain).map(([name, value]) => ({ name, value }));
  const secret = Object.entries(env.secrets).map(([name, ref]) => ({
    name,
    valueSource: { secretKeyRef: { secret: ref.secret, version: ref.version } },
  }));
  return {
    image,
    ports: { containerPort: CONTAINER_PORT },
    envs: [...plain, ...secret],
    // CPU only while serving: both roles do all their work inside a request (publish, execute) before answering.
    resources: { cpuIdle: true, startupCpuBoost: true, limits: { cpu: "1", memory: "512Mi" } },
    // Ready means the Pub/Sub client and secrets are loaded; alive means the process still answers.
    startupProbe: { httpGet: { path: HTTP_PATHS.ready }, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 30 },
    livenessProbe: { httpGet: { path: HTTP_PATHS.health }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
  };
}

/** The type token of `RuntimeServices`. */
export const RUNTIME_SERVICES_TYPE = "hubspot-trigger:runtime:RuntimeServices";
/** Its token when it was named after the listener alone: the alias keeps the URNs of stacks deployed under it. */
export const RUNTIME_SERVICES_PREVIOUS_TYPE = "hubspot-trigger:listener:ListenerService";

/**
 * The two Cloud Run services of the runtime, both from one image: the public listener (webhooks in) and the private
 * dispatcher (Pub/Sub push in, integrations out), with their invoker bindings.
 */
export class RuntimeServices extends pulumi.ComponentResource {
  /** Undefined with the managed backend. */
  readonly listener?: gcp.cloudrunv2.Service;
  readonly dispatcher: gcp.cloudrunv2.Service;

  constructor(name: string, args: RuntimeServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      RUNTIME_SERVICES_TYPE,
      name,
      {},
      {
        ...opts,
        aliases: [...(opts?.aliases ?? []), { type: RUNTIME_SERVICES_PREVIOUS_TYPE }],
      },
    );
    for (const [role, service] of [
      ["listener", args.listener],
      ["dispatcher", args.dispatcher],
    ] as const) {
      if (service === undefined) continue;
      const { minInstances, maxInstances, concurrency } = service.scaling;
      if (!(minInstances >= 0 && minInstances <= maxInstances && concurrency >= 1 && concurrency <= 1000)) {
        throw new Error(
          `${role} scaling {min ${minInstances}, max ${maxInstances}, concurrency ${concurrency}} must have ` +
            "0 <= min <= max and concurrency in 1..1000",
        );
      }
    }
    const service = (role: "listener" | "dispatcher", ingress: string, spec: RuntimeServiceArgs) => {
      const labels = resourceLabels(args, role);
      return new gcp.cloudrunv2.Service(
        `${name}-${role}`,
        {
          project: args.project,
          location: args.region,
          name: spec.serviceName,
          ingress,
          deletionProtection: args.deletionProtection,
          labels,
          template: {
            serviceAccount: spec.serviceAccountEmail,
            labels,
            scaling: { minInstanceCount: spec.scaling.minInstances, maxInstanceCount: spec.scaling.maxInstances },
            maxInstanceRequestConcurrency: spec.scaling.concurrency,
            timeout: `${spec.timeoutSeconds}s`,
            containers: [container(args.image, spec.env)],
            ...(spec.vpcAccess !== undefined && { vpcAccess: spec.vpcAccess }),
          },
        },
        { parent: this, dependsOn: spec.dependsOn },
      );
    };
    this.dispatcher = service("dispatcher", "INGRESS_TRAFFIC_INTERNAL_ONLY", args.dispatcher);
    if (args.listener !== undefined) {
      this.listener = service("listener", "INGRESS_TRAFFIC_ALL", args.listener);
      new gcp.cloudrunv2.ServiceIamMember(
        `${name}-listener-public-invoker`,
        {
          project: args.project,
          location: args.region,
          name: this.listener.name,
          role: "roles/run.invoker",
          member: "allUsers",
        },
        { parent: this },
      );
    }
    for (const invoker of args.dispatcherInvokers) {
      new gcp.cloudrunv2.ServiceIamMember(
        `${name}-dispatcher-invoker-${invoker.key}`,
        {
          project: args.project,
          location: args.region,
          name: this.dispatcher.name,
          role: "roles/run.invoker",
          member: invoker.member,
        },
        { parent: this },
      );
    }

    this.registerOutputs({ listenerUri: this.listener?.uri, dispatcherUri: this.dispatcher.uri });
  }
}
