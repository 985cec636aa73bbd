/**
 * The generators `npm run generate` runs. Each returns whole files (path relative to the repository root, content)
 * computed from one source; add a generator here and the staleness test covers it.
 */
import { stackConfigFiles } from "./config";
import { policiesContract } from "./policies-contract";
import { policiesDoc } from "./policies-doc";
import { runtimeEnvDoc } from "./runtime-env";

export interface GeneratedFile {
  file: string;
  content: string;
}

export type Generator = () => GeneratedFile[];

export const GENERATORS: Generator[] = [policiesContract, policiesDoc, runtimeEnvDoc, stackConfigFiles];
