import * as path from "node:path";
import * as dockerbuild from "@pulumi/docker-build";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { type LabelArgs, resourceLabels } from "./labels";

/** Name of the image inside the repository the stack creates. */
export const IMAGE_NAME = "runtime";
/** Tag pushed when `imageBuild.tag` is unset. Cloud Run runs the pushed digest, never the tag. */
export const DEFAULT_TAG = "latest";
/** Versions the cleanup policy always keeps: the one Cloud Run runs is among them, plus room to roll back. */
export const KEEP_RECENT_VERSIONS = 10;
/** Older versions beyond the kept ones are deleted after this long (Artifact Registry's duration format). */
export const DELETE_OLDER_THAN = `${30 * 24 * 3600}s`;
/** Cloud Run runs on linux/amd64. */
export const PLATFORM = "linux/amd64";
/** Artifact Registry's user name for an OAuth access token (https://cloud.google.com/artifact-registry/docs/docker/authentication#token). */
const ACCESS_TOKEN_USER = "oauth2accesstoken";
/** This package's root, which holds runtime/Dockerfile and the sources it copies. */
const PACKAGE_ROOT = path.resolve(__dirname, "..");

/** Where an Artifact Registry Docker image lives: `LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE[:tag][@digest]`. */
export interface ArtifactRegistryImage {
  readonly location: string;
  readonly project: string;
  readonly repository: string;
}

/**
 * The repository of an Artifact Registry image reference; undefined for any other registry (gcr.io, Docker Hub...).
 * Domain-scoped projects (`example.com:project`) appear as two path segments (`example.com/project`).
 */
export function artifactRegistryImage(reference: string): ArtifactRegistryImage | undefined {
  const [host, ...segments] = reference.split("/");
  const location = /^([a-z0-9-]+)-docker\.pkg\.dev$/.exec(host)?.[1];
  if (!location) return undefined;
  const domainScoped = segments[0]?.includes(".") ?? false;
  const project = domainScoped ? `${segments[0]}:${segments[1]}` : segments[0];
  const [repository, ...image] = segments.slice(domainScoped ? 2 : 1);
  if (!project || !repository || image.length === 0) return undefined;
  return { location, project, repository };
}

/** The Cloud Run service agent of a project: it pulls every revision's image (https://cloud.google.com/iam/docs/service-agents). */
export function cloudRunServiceAgent(projectNumber: string): string {
  return `serviceAccount:service-${projectNumber}@serverless-robot-prod.iam.gserviceaccount.com`;
}

export interface RuntimeImageBuild {
  /** Id of the Artifact Registry repository the stack creates (in `region`). */
  readonly repository: string;
  /** Tag pushed with each build; default "latest". */
  readonly tag?: string;
  /** Build context; default this package's root (runtime/Dockerfile copies from it). */
  readonly context?: string;
  /** Default `<context>/runtime/Dockerfile`. */
  readonly dockerfile?: string;
}

export interface RuntimeImageArgs extends LabelArgs {
  /**
   * Compared with the image's project to decide whether a cross-project pull grant is needed; when it is not a
   * plain string that cannot be decided before deploying, so an Artifact Registry image gets the grant (harmless
   * in the same project, where Google already lets Cloud Run pull).
   */
  readonly project: pulumi.Input<string>;
  /** Number of `project`: names its Cloud Run service agent. */
  readonly projectNumber: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  /**
   * An image someone else built and pushed. Exactly one of `reference` and `build`. Only a plain string is read for
   * its Artifact Registry repository: with an Output, grant Cloud Run's pull access yourself if it is elsewhere.
   */
  readonly reference?: pulumi.Input<string>;
  /** Build runtime/Dockerfile and push it to a repository this component creates. */
  readonly build?: RuntimeImageBuild;
}

/**
 * The runtime image both Cloud Run services run, and what Cloud Run needs to pull it:
 * - `build`: an Artifact Registry Docker repository (with a cleanup policy) and the image built from
 *   runtime/Dockerfile and pushed there; `ref` is the pushed digest, so every build rolls out a new revision;
 * - `reference` in another project's Artifact Registry: Artifact Registry Reader on that one repository for this
 *   project's Cloud Run service agent, which pulls images across projects only with it
 *   (https://cloud.google.com/artifact-registry/docs/integrate-cloud-run);
 * - any other `reference`: nothing to create; `ref` is the reference.
 * Cloud Run services depend on `pullDependencies`.
 */
export class RuntimeImage extends pulumi.ComponentResource {
  /** What Cloud Run deploys: the pushed `repository/image:tag@sha256:...` or the given reference. */
  readonly ref: pulumi.Output<string>;
  readonly repository?: gcp.artifactregistry.Repository;
  readonly image?: dockerbuild.Image;
  /** The cross-project pull grant, when the reference is in another project's Artifact Registry. */
  readonly pullGrant?: gcp.artifactregistry.RepositoryIamMember;
  /** Resources Cloud Run must wait for before it pulls `ref`. */
  readonly pullDependencies: pulumi.Resource[] = [];

  constructor(name: string, args: RuntimeImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubspot-trigger:image:RuntimeImage", name, {}, opts);
    const reference = args.reference === "" ? undefined : args.reference;
    if ((reference === undefined) === (args.build === undefined)) {
      throw new Error(
        `${name}: got ${reference === undefined ? "neither" : "both"} of an image reference (HubSpotTrigger's ` +
          "image) and build settings (its imageBuild); exactly one: an image you pushed, or the stack builds it",
      );
    }
    if (reference === undefined) {
      const build = args.build as RuntimeImageBuild;
      this.repository = new gcp.artifactregistry.Repository(
        `${name}-repository`,
        {
          project: args.project,
          location: args.region,
          repositoryId: build.repository,
          format: "DOCKER",
          description: "hubspot-trigger runtime image (listener and dispatcher roles), built by the stack",
          labels: resourceLabels(args, "image"),
          cleanupPolicyDryRun: false,
          // Keep policies win over delete policies: the newest versions stay, whatever their age.
          cleanupPolicies: [
            { id: "keep-recent", action: "KEEP", mostRecentVersions: { keepCount: KEEP_RECENT_VERSIONS } },
            { id: "delete-old", action: "DELETE", condition: { tagState: "ANY", olderThan: DELETE_OLDER_THAN } },
          ],
        },
        { parent: this },
      );
      const registry = pulumi.interpolate`${this.repository.location}-docker.pkg.dev`;
      const imageName = pulumi.interpolate`${registry}/${this.repository.project}/${this.repository.repositoryId}/${IMAGE_NAME}`;
      // The deployer's own credentials (the ones Pulumi's GCP provider uses): it needs Artifact Registry Writer on
      // this repository. The token lives in the Image's state, encrypted as a secret, and expires within the hour.
      const client = gcp.organizations.getClientConfigOutput({ parent: this });
      // Relative to the program's directory, so the state does not change with the machine's checkout path.
      const context = build.context ?? (path.relative(process.cwd(), PACKAGE_ROOT) || ".");
      this.image = new dockerbuild.Image(
        `${name}-build`,
        {
          context: { location: context },
          dockerfile: { location: build.dockerfile ?? path.join(context, "runtime", "Dockerfile") },
          platforms: [PLATFORM],
          push: true,
          tags: [pulumi.interpolate`${imageName}:${build.tag ?? DEFAULT_TAG}`],
          registries: [{ address: registry, username: ACCESS_TOKEN_USER, password: pulumi.secret(client.accessToken) }],
        },
        { parent: this, dependsOn: [this.repository] },
      );
      this.ref = this.image.ref;
      this.pullDependencies.push(this.image);
    } else {
      const source = typeof reference === "string" ? artifactRegistryImage(reference) : undefined;
      this.ref = pulumi.output(reference);
      // In the stack's own project, Cloud Run's service agent may already pull (Google grants it there).
      if (source && source.project !== args.project) {
        this.pullGrant = new gcp.artifactregistry.RepositoryIamMember(
          `${name}-cloud-run-pull`,
          {
            project: source.project,
            location: source.location,
            repository: source.repository,
            role: "roles/artifactregistry.reader",
            member: pulumi.output(args.projectNumber).apply(cloudRunServiceAgent),
          },
          { parent: this },
        );
        this.pullDependencies.push(this.pullGrant);
      }
    }
    this.registerOutputs({ ref: this.ref });
  }
}
