import * as pulumi from "@pulumi/pulumi";

export const SECRET_MARK = "[secret]";

function isWrappedSecret(value: object): boolean {
  return (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
}

/**
 * Deep copy with every secret hidden: values the engine marks secret (the mock engine hands them over wrapped with
 * Pulumi's secret signature) and, as a second net, any string holding a known secret value (a secret that an apply
 * turned into plain text would otherwise leak into the plan).
 */
export function scrubSecrets<T>(value: T, secretValues: readonly string[]): T {
  const known = secretValues.filter((s) => s.length >= 4);
  const walk = (item: unknown): unknown => {
    if (typeof item === "string") {
      return known.some((s) => item.includes(s))
        ? known.reduce((text, s) => text.split(s).join(SECRET_MARK), item)
        : item;
    }
    if (Array.isArray(item)) return item.map(walk);
    if (typeof item === "object" && item !== null) {
      if (isWrappedSecret(item)) return SECRET_MARK;
      return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, walk(v)]));
    }
    return item;
  };
  return walk(value) as T;
}
