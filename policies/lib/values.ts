/**
 * Reading resource properties without tripping over values that are unknown during preview.
 *
 * The policy SDK hands rules a Proxy that throws `UnknownValueError` on reading an unknown value, which turns the whole
 * rule into a "can't run during preview" advisory. Reading through property descriptors bypasses the Proxy's `get`
 * trap, so a rule can see "unknown" as a value of its own and decide (usually: do not fire) instead of aborting.
 */

/** Marker for a value the engine does not know yet (computed by the cloud during `pulumi up`). */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

// The engine's sentinels for unknown values, one per kind (see @pulumi/policy proxy.js; they are not exported in its
// typings, so they are repeated here).
const UNKNOWN_SENTINELS = new Set<string>([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

export function isUnknown(value: unknown): value is Unknown {
  return value === UNKNOWN || (typeof value === "string" && UNKNOWN_SENTINELS.has(value));
}

function ownValue(container: unknown, key: string): unknown {
  if (container === null || typeof container !== "object") return undefined;
  return Object.getOwnPropertyDescriptor(container, key)?.value;
}

/** The value at a dotted path (`template.scaling.maxInstanceCount`), UNKNOWN when any step is unknown. */
export function read(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const key of path.split(".")) {
    if (isUnknown(current)) return UNKNOWN;
    current = ownValue(current, key);
    if (current === undefined || current === null) return undefined;
  }
  return isUnknown(current) ? UNKNOWN : current;
}

export function readString(root: unknown, path: string): string | Unknown | undefined {
  const value = read(root, path);
  return value === UNKNOWN || typeof value === "string" ? value : undefined;
}

export function readNumber(root: unknown, path: string): number | Unknown | undefined {
  const value = read(root, path);
  return value === UNKNOWN || typeof value === "number" ? value : undefined;
}

export function readBoolean(root: unknown, path: string): boolean | Unknown | undefined {
  const value = read(root, path);
  return value === UNKNOWN || typeof value === "boolean" ? value : undefined;
}

/** An array's elements as an array (elements may themselves be UNKNOWN). */
export function readArray(root: unknown, path: string): unknown[] | Unknown | undefined {
  const value = read(root, path);
  if (value === UNKNOWN) return UNKNOWN;
  if (!Array.isArray(value)) return undefined;
  return Array.from({ length: value.length }, (_, i) => read(value, String(i)));
}

/** A string map (labels): known entries only, and whether some part of it is unknown. */
export function readStringMap(
  root: unknown,
  path: string,
): { entries: Record<string, string>; partlyUnknown: boolean } {
  const value = read(root, path);
  if (value === UNKNOWN) return { entries: {}, partlyUnknown: true };
  const entries: Record<string, string> = {};
  let partlyUnknown = false;
  if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) {
      const entry = read(value, key);
      if (entry === UNKNOWN) partlyUnknown = true;
      else if (typeof entry === "string") entries[key] = entry;
    }
  }
  return { entries, partlyUnknown };
}
