import { environmentPart, shorten } from "../../components/naming";
import type { ImageBuildConfig } from "../config-types";
import { readBoolean, readObject, readString, type StringRule } from "./fields";
import { describeValue, type Problems } from "./problems";
import { IMAGE } from "./rules";

/** Artifact Registry repository ids (https://cloud.google.com/artifact-registry/docs/repositories/create-repos). */
export const REPOSITORY_ID: StringRule = {
  pattern: /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
  rule: "an Artifact Registry repository id: 1-63 lowercase letters, digits or hyphens, starting with a letter, not ending with a hyphen",
};

/** Docker tags (https://docs.docker.com/reference/cli/docker/image/tag/). */
export const IMAGE_TAG: StringRule = {
  pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/,
  rule: "a Docker tag: 1-128 letters, digits, underscores, periods or hyphens, not starting with a period or hyphen",
};

const EXACTLY_ONE =
  "exactly one of hubspot-trigger:image (an image you built and pushed) and hubspot-trigger:imageBuild.enabled " +
  "(the stack builds runtime/Dockerfile and pushes it) must be set";

/**
 * The default repository: one per stack (the environment is part of it), so a dev and a prod stack sharing a project
 * never try to create the same repository.
 */
export function defaultRepository(connectionName: string, environment: string): string {
  return shorten(`${connectionName}-${environmentPart(environment)}-runtime`, 63);
}

/**
 * `image` and `imageBuild` together: where the runtime image comes from. Returns the validated reference or build
 * settings (exactly one of them when there is no problem).
 */
export function readImageSource(
  problems: Problems,
  image: unknown,
  imageBuild: unknown,
  names: { connectionName: string; environment: string },
): { image?: string; imageBuild?: ImageBuildConfig } {
  const raw = readObject(problems, ["imageBuild"], imageBuild, ["enabled", "repository", "tag"]);
  const enabled = readBoolean(problems, ["imageBuild", "enabled"], raw.enabled, false);
  const repository = readString(problems, ["imageBuild", "repository"], raw.repository, REPOSITORY_ID);
  const tag = readString(problems, ["imageBuild", "tag"], raw.tag, IMAGE_TAG);
  const hasImage = image !== undefined && image !== null && image !== "";
  if (hasImage && enabled) {
    problems.add(["image"], `is set (${describeValue(image)}) and imageBuild.enabled is true`, EXACTLY_ONE);
    return {};
  }
  if (!hasImage && !enabled) {
    problems.add(["image"], "missing and imageBuild.enabled is not true", EXACTLY_ONE);
    return {};
  }
  if (!enabled) {
    for (const key of ["repository", "tag"] as const) {
      if (raw[key] !== undefined) {
        problems.add(
          ["imageBuild", key],
          "is set but imageBuild.enabled is not true",
          "set it only with enabled: true",
        );
      }
    }
    const reference = readString(problems, ["image"], image, IMAGE);
    return reference === undefined ? {} : { image: reference };
  }
  return {
    imageBuild: {
      repository: repository ?? defaultRepository(names.connectionName, names.environment),
      ...(tag !== undefined ? { tag } : {}),
    },
  };
}
