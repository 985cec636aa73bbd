// Mocha root setup, loaded before every spec (see .mocharc.json).
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks } from "../../scripts/lib/offline-plan/mocks";

/** The one mock engine of the test run: setMocks is process-wide, so every spec shares this instance. */
export const mocks = new RecordingMocks();
export const TEST_PROJECT = "hubspot-trigger";
export const TEST_STACK = "test";

// Tests never run on GCE: stop google-auth-library probing the metadata server (seconds of delay, noisy warnings).
process.env.METADATA_SERVER_DETECTION ??= "none";

void pulumi.runtime.setMocks(mocks, TEST_PROJECT, TEST_STACK, false);

// A value the serializer cannot handle surfaces under mocks only as an unhandled rejection and a hung test: fail loudly.
process.on("unhandledRejection", (reason) => {
  console.error("unhandledRejection:", reason);
  process.exitCode = 1;
  throw reason instanceof Error ? reason : new Error(String(reason));
});
