import type { DeadLetterConfig, EnrichmentConfig, RetryConfig, ScalingConfig } from "../config-types";
import { isPlainObject, readBoolean, readInteger, readObject, readString, readStringList } from "./fields";
import { describeValue, type Problems } from "./problems";
import {
  HUBSPOT_PROPERTY,
  LABEL_KEY,
  LABEL_VALUE,
  parseDurationSeconds,
  PROJECT_ID,
  RESERVED_LABEL_KEYS,
  TOPIC_NAME,
} from "./rules";

/** Readers of the smaller config sections: each checks one key, records problems and returns a usable value. */

export function readLabels(problems: Problems, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) {
    problems.add(["labels"], `got ${describeValue(value)}`, "must be a map of label key to value");
    return {};
  }
  const labels: Record<string, string> = {};
  for (const [key, raw] of Object.entries(value)) {
    if ((RESERVED_LABEL_KEYS as readonly string[]).includes(key)) {
      problems.add(["labels", key], "is set by this package", `do not set ${RESERVED_LABEL_KEYS.join(", ")}`);
      continue;
    }
    if (!LABEL_KEY.pattern?.test(key)) {
      problems.add(["labels", key], `key ${describeValue(key)} is invalid`, LABEL_KEY.rule);
      continue;
    }
    const text = readString(problems, ["labels", key], typeof raw === "boolean" ? String(raw) : raw, LABEL_VALUE);
    if (text !== undefined) labels[key] = text;
  }
  if (Object.keys(value).length > 60) {
    problems.add(
      ["labels"],
      `has ${Object.keys(value).length} labels`,
      "at most 60 (GCP allows 64; the package adds app, env, component)",
    );
  }
  return labels;
}

export function readScaling(problems: Problems, value: unknown): ScalingConfig {
  const raw = readObject(problems, ["scaling"], value, ["minInstances", "maxInstances", "concurrency"]);
  const minInstances = readInteger(problems, ["scaling", "minInstances"], raw.minInstances, {
    min: 0,
    max: 1000,
    default: 2,
  });
  const maxInstances = readInteger(problems, ["scaling", "maxInstances"], raw.maxInstances, {
    min: 1,
    max: 1000,
    default: 50,
  });
  const concurrency = readInteger(problems, ["scaling", "concurrency"], raw.concurrency, {
    min: 1,
    max: 1000,
    default: 80,
  });
  if (minInstances > maxInstances) {
    problems.add(
      ["scaling", "minInstances"],
      `${minInstances} is above maxInstances ${maxInstances}`,
      "minInstances <= maxInstances",
    );
  }
  return { minInstances, maxInstances, concurrency };
}

export function readDeadLetter(problems: Problems, value: unknown): DeadLetterConfig {
  const path = ["deadLetter"];
  const raw = readObject(problems, path, value, ["projectId", "topic", "maxDeliveryAttempts", "retentionDays"]);
  const projectId = readString(problems, [...path, "projectId"], raw.projectId, PROJECT_ID);
  const topic = readString(problems, [...path, "topic"], raw.topic, TOPIC_NAME);
  return {
    ...(projectId ? { projectId } : {}),
    ...(topic ? { topic } : {}),
    maxDeliveryAttempts: readInteger(problems, [...path, "maxDeliveryAttempts"], raw.maxDeliveryAttempts, {
      min: 5,
      max: 100,
      default: 10,
    }),
    retentionDays: readInteger(problems, [...path, "retentionDays"], raw.retentionDays, {
      min: 7,
      max: 31,
      default: 7,
    }),
  };
}

export function readRetry(problems: Problems, value: unknown): RetryConfig {
  const raw = readObject(problems, ["retry"], value, ["minimumBackoff", "maximumBackoff"]);
  const rule = 'a duration from 0s to 600s such as "10s" or "5m"';
  const read = (key: "minimumBackoff" | "maximumBackoff", fallback: number): number => {
    const text = raw[key];
    if (text === undefined || text === null) return fallback;
    const seconds = typeof text === "string" ? parseDurationSeconds(text) : undefined;
    if (seconds === undefined) {
      problems.add(["retry", key], `${describeValue(text)} is not a duration`, rule);
      return fallback;
    }
    if (seconds > 600) {
      problems.add(["retry", key], `${describeValue(text)} is ${seconds} seconds`, rule);
      return fallback;
    }
    return seconds;
  };
  const min = read("minimumBackoff", 10);
  const max = read("maximumBackoff", 600);
  if (min > max) {
    problems.add(
      ["retry", "minimumBackoff"],
      `${min}s is above maximumBackoff ${max}s`,
      "minimumBackoff <= maximumBackoff",
    );
  }
  return { minimumBackoff: `${min}s`, maximumBackoff: `${max}s` };
}

export function readEnrichment(problems: Problems, value: unknown): EnrichmentConfig {
  const path = ["enrichment"];
  const raw = readObject(problems, path, value, [
    "enabled",
    "contactProperties",
    "companyProperties",
    "dealProperties",
  ]);
  const contactProperties = readStringList(
    problems,
    [...path, "contactProperties"],
    raw.contactProperties,
    HUBSPOT_PROPERTY,
  );
  const companyProperties = readStringList(
    problems,
    [...path, "companyProperties"],
    raw.companyProperties,
    HUBSPOT_PROPERTY,
  );
  const dealProperties = readStringList(problems, [...path, "dealProperties"], raw.dealProperties, HUBSPOT_PROPERTY);
  const anyList = contactProperties.length + companyProperties.length + dealProperties.length > 0;
  const enabled = readBoolean(problems, [...path, "enabled"], raw.enabled, anyList);
  if (enabled && !anyList) {
    problems.add(
      [...path, "enabled"],
      "is true but no property list is set",
      "list contactProperties, companyProperties or dealProperties to read back from HubSpot",
    );
  }
  return { enabled: enabled && anyList, contactProperties, companyProperties, dealProperties };
}
