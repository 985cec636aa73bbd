import * as pulumi from "@pulumi/pulumi";
import { APP_LABEL, RESERVED_LABEL_KEYS, type ComponentLabel } from "../contract/labels";
import { labelValue, LIMITS, PATTERNS } from "./naming";

export type { ComponentLabel } from "../contract/labels";

/** What every component takes to label its resources. */
export interface LabelArgs {
  /** Value of the `env` label (sanitized into a valid label value here). */
  readonly environment: pulumi.Input<string>;
  /** The user's labels; `app`, `env` and `component` are always set by us and win over these. */
  readonly labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const RESERVED_KEYS: readonly string[] = RESERVED_LABEL_KEYS;

/** Checks user labels against GCP's rules, naming the bad key; all problems reported at once. */
export function checkUserLabels(labels: Record<string, string>): void {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    if (key.length > LIMITS.label.max || !PATTERNS.labelKey.test(key)) {
      problems.push(`label key "${key}" must be 1-63 characters of [a-z0-9_-] starting with a lowercase letter`);
    }
    if (value.length > LIMITS.label.max || !PATTERNS.labelValue.test(value)) {
      problems.push(`label "${key}" has value "${value}": it must be at most 63 characters of [a-z0-9_-]`);
    }
    if (RESERVED_KEYS.includes(key)) {
      problems.push(`label key "${key}" is reserved: hubspot-trigger sets ${RESERVED_KEYS.join(", ")} itself`);
    }
  }
  if (problems.length > 0) throw new Error(`invalid labels: ${problems.join("; ")}`);
}

/** The full label map of one resource: the user's labels plus app, env and component. */
export function resourceLabels(args: LabelArgs, component: ComponentLabel): pulumi.Output<Record<string, string>> {
  return pulumi.all([args.environment, pulumi.output(args.labels ?? {})]).apply(([environment, labels]) => {
    checkUserLabels(labels);
    const all: Record<string, string> = { ...labels, app: APP_LABEL, env: labelValue(environment), component };
    return all;
  });
}
