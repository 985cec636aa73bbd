import * as assert from "node:assert/strict";
import { pscAcceptManual } from "../../../policies/rules/hubspot-trigger-psc-accept-manual";
import { messages } from "../support/harness";
import { one } from "../support/stack";

describe("hubspot-trigger-psc-accept-manual", () => {
  it("accepts ACCEPT_MANUAL", () => {
    assert.deepEqual(messages(pscAcceptManual, [one("attachment")]), []);
  });

  it("reports ACCEPT_AUTOMATIC", () => {
    const automatic = one("attachment", (inputs) => {
      inputs.connectionPreference = "ACCEPT_AUTOMATIC";
    });
    assert.deepEqual(messages(pscAcceptManual, [automatic]), [
      'connectionPreference is "ACCEPT_AUTOMATIC": any project could connect; use ACCEPT_MANUAL.',
    ]);
  });
});
