import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";

/** One resource as the mock engine saw it: what `npm run plan` prints and what tests assert on. */
export interface RecordedResource {
  type: string;
  name: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
}

/** Project id and number the offline plan pretends to run in when `gcp:project` is not set. */
export const OFFLINE_PROJECT = { id: "offline-project", number: "123456789012" };

// A short, stable suffix like the ones GCP puts in generated URLs, so outputs look real and never change between runs.
function stableSuffix(value: string, length = 10): string {
  return createHash("sha256").update(value).digest("hex").slice(0, length);
}

type State = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/**
 * Computed outputs the GCP provider would return for the resource types this package creates, so that the program's
 * outputs (emails, URLs, ids) read as they will after `pulumi up`. Inputs pass through unchanged, as the provider
 * echoes them in state.
 */
export function computedOutputs(
  type: string,
  name: string,
  inputs: State,
  defaultProject: string,
  projectNumber: string = OFFLINE_PROJECT.number,
): State {
  const project = str(inputs.project) ?? defaultProject;
  const region = str(inputs.location) ?? str(inputs.region) ?? "europe-west1";
  const resourceName = str(inputs.name) ?? name;
  switch (type) {
    case "gcp:serviceaccount/account:Account": {
      const accountId = str(inputs.accountId) ?? name;
      const email = `${accountId}@${project}.iam.gserviceaccount.com`;
      return {
        email,
        member: `serviceAccount:${email}`,
        name: `projects/${project}/serviceAccounts/${email}`,
        uniqueId: stableSuffix(email, 21).replace(/[a-f]/g, "7"),
      };
    }
    case "gcp:secretmanager/secret:Secret": {
      const secretId = str(inputs.secretId) ?? name;
      // Secret Manager names secrets by project number. Without it (the package-level default) the offline number is used.
      return { name: `projects/${projectNumber}/secrets/${secretId}`, project };
    }
    case "gcp:secretmanager/secretVersion:SecretVersion": {
      const secret = str(inputs.secret) ?? name;
      return { name: `${secret}/versions/1`, version: "1" };
    }
    case "gcp:pubsub/topic:Topic":
      return { name: resourceName, project, id: `projects/${project}/topics/${resourceName}` };
    case "gcp:pubsub/subscription:Subscription":
      return { name: resourceName, project, id: `projects/${project}/subscriptions/${resourceName}` };
    case "gcp:cloudrunv2/service:Service": {
      const uri = `https://${resourceName}-${stableSuffix(project + resourceName)}-${region.replace(/[^a-z0-9]/g, "").slice(0, 6)}.a.run.app`;
      return { name: resourceName, uri, urls: [uri], project, location: region };
    }
    case "gcp:compute/serviceAttachment:ServiceAttachment":
      return {
        name: resourceName,
        selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/regions/${region}/serviceAttachments/${resourceName}`,
      };
    case "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup":
    case "gcp:compute/regionBackendService:RegionBackendService":
    case "gcp:compute/regionUrlMap:RegionUrlMap":
    case "gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy":
    case "gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy":
    case "gcp:compute/forwardingRule:ForwardingRule":
    case "gcp:compute/subnetwork:Subnetwork":
    case "gcp:compute/network:Network": {
      const collection = type.split(":")[2].replace(/^Region/, "");
      const plural = collection.charAt(0).toLowerCase() + collection.slice(1) + "s";
      return {
        name: resourceName,
        selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/regions/${region}/${plural}/${resourceName}`,
      };
    }
    case "gcp:compute/address:Address": {
      // An internal address is allocated from the subnetwork at create time; offline, a stable private stand-in.
      const octets = stableSuffix(project + resourceName, 4).match(/../g) ?? ["00", "01"];
      const [third, fourth] = octets.map((hex) => Math.max(2, parseInt(hex, 16) % 254));
      return {
        name: resourceName,
        address: `10.255.${third}.${fourth}`,
        selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/regions/${region}/addresses/${resourceName}`,
      };
    }
    case "gcp:artifactregistry/repository:Repository": {
      const repositoryId = str(inputs.repositoryId) ?? name;
      return { name: `projects/${project}/locations/${region}/repositories/${repositoryId}`, repositoryId };
    }
    case "docker-build:index:Image": {
      // A push answers with the manifest digest; offline, a stable stand-in, in docker-build's `tag@digest` ref form.
      const tags = Array.isArray(inputs.tags) ? inputs.tags.filter((tag): tag is string => str(tag) !== undefined) : [];
      const digest = `sha256:${stableSuffix(`${name} ${tags.join(" ")}`, 64)}`;
      return { digest, ref: tags.length > 0 ? `${tags[0]}@${digest}` : "", contextHash: stableSuffix(name, 64) };
    }
    case "random:index/randomId:RandomId": {
      const bytes = typeof inputs.byteLength === "number" ? inputs.byteLength : 4;
      const hex = stableSuffix(name, bytes * 2);
      return { hex, b64Url: Buffer.from(hex, "hex").toString("base64url"), dec: BigInt("0x" + hex).toString() };
    }
    case "random:index/randomString:RandomString": {
      const length = typeof inputs.length === "number" ? inputs.length : 8;
      return { result: stableSuffix(name, length).replace(/[0-9]/g, (d) => "abcdefghij"[Number(d)]) };
    }
    case "gcp:integrationconnectors/connection:Connection": {
      const id = `projects/${project}/locations/${region}/connections/${resourceName}`;
      return { id, name: resourceName, updateTime: "2026-01-01T00:00:00Z", connectionRevision: "1" };
    }
    // The managed backend's dynamic resources (components/managed): what Google would report once provisioned. The
    // listener endpoint is under `.invalid` (RFC 2606), so nobody takes the offline value for a real one.
    case "pulumi-nodejs:dynamic/connectors:ConnectionEventing": {
      const connection = String(inputs.connectionName ?? name);
      const [, connectionProject, connectionRegion] = /^projects\/([^/]+)\/locations\/([^/]+)\//.exec(connection) ?? [];
      return {
        eventsListenerEndpoint: `https://eventing-${stableSuffix(connection)}.connectors.invalid/listener`,
        eventsListenerPscSa:
          inputs.privateConnectivityEnabled === true
            ? `projects/${connectionProject ?? project}/regions/${connectionRegion ?? region}/serviceAttachments/eventing-${stableSuffix(connection)}`
            : "",
        eventingState: "ACTIVE",
        eventingStatusDescription: "",
      };
    }
    case "pulumi-nodejs:dynamic/connectors:EventSubscription":
      return {
        subscriptionName: `${String(inputs.connectionName ?? "")}/eventSubscriptions/${String(inputs.eventSubscriptionId ?? name)}`,
        state: "CREATING",
        stateDescription: "",
      };
    default:
      return {};
  }
}

/**
 * Pulumi mocks that answer like the GCP provider and remember every registered resource. Used by `npm run plan`
 * (no cloud credentials, no CLI) and by the tests, so both see the same computed values.
 */
export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];

  constructor(private readonly project: typeof OFFLINE_PROJECT = OFFLINE_PROJECT) {}

  reset(): void {
    this.resources.length = 0;
  }

  /** Resources of one type token, in registration order. */
  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const inputs = (args.inputs ?? {}) as State;
    const computed = args.custom
      ? computedOutputs(args.type, args.name, inputs, this.project.id, this.project.number)
      : {};
    const state = { ...inputs, ...computed };
    this.resources.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs, state });
    const id = args.custom ? (str(computed.id) ?? str(computed.name) ?? `${args.name}-id`) : undefined;
    return { id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    switch (args.token) {
      case "gcp:organizations/getProject:getProject": {
        const projectId = str((args.inputs as State).projectId) ?? this.project.id;
        const number =
          projectId === this.project.id ? this.project.number : stableSuffix(projectId, 12).replace(/[a-f]/g, "3");
        return { projectId, number, name: projectId, id: `projects/${projectId}` };
      }
      case "gcp:organizations/getClientConfig:getClientConfig":
        return { project: this.project.id, region: "europe-west1", accessToken: "" };
      default:
        return args.inputs as State;
    }
  }
}
