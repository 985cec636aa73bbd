// Generated from contract/names.ts by scripts/generate/policies-contract.ts: do not edit, change contract/ and
// run `npm run generate`. The policy pack is published alone, so it carries its own copy of the contract.
/**
 * The seed's naming rule for a connection ("Nom de connexion") and, here, for every trigger: lowercase letters,
 * digits and hyphens, a letter first, a letter or digit last, at most 49 characters, not starting with "goog".
 */
export const RESOURCE_NAME_RULE =
  'lowercase letters, digits and hyphens, starting with a letter, ending with a letter or digit, at most 49 characters, not starting with "goog"';

export const RESOURCE_NAME_MAX_LENGTH = 49;

/** Every rule a name breaks (empty when it keeps them all), so one edit can fix them all. */
export function resourceNameProblems(name: string): string[] {
  if (name.length === 0) return ["is empty"];
  return [
    name.length > RESOURCE_NAME_MAX_LENGTH && `is ${name.length} characters long`,
    name.startsWith("goog") && `starts with "goog"`,
    /[A-Z]/.test(name) && "contains uppercase letters",
    !/^[a-zA-Z]/.test(name) && "does not start with a letter",
    !/[a-zA-Z0-9]$/.test(name) && "does not end with a letter or digit",
    !/^[a-zA-Z0-9-]+$/.test(name) && "contains characters other than a-z, 0-9 and -",
  ].filter((problem): problem is string => typeof problem === "string");
}
