import * as assert from "node:assert/strict";
import { pscConsumerAcceptList } from "../../../policies/rules/hubspot-trigger-psc-consumer-accept-list";
import { messages } from "../support/harness";
import { one } from "../support/stack";

function withList(list: unknown[]) {
  return one("attachment", (inputs) => {
    inputs.consumerAcceptLists = list as typeof inputs.consumerAcceptLists;
  });
}

describe("hubspot-trigger-psc-consumer-accept-list", () => {
  it("accepts a named consumer project with a limit", () => {
    assert.deepEqual(messages(pscConsumerAcceptList, [one("attachment")]), []);
  });

  it("reports an empty accept list", () => {
    assert.deepEqual(messages(pscConsumerAcceptList, [withList([])]), [
      "consumerAcceptLists is empty: no consumer can connect to the service attachment; add the consumer project to hubspot-trigger:privateServiceConnect.consumerAcceptList.",
    ]);
  });

  it("reports an entry naming nobody and an entry allowing no endpoint", () => {
    const list = [{ connectionLimit: 5 }, { projectIdOrNum: "acme-integrations", connectionLimit: 0 }];
    assert.deepEqual(messages(pscConsumerAcceptList, [withList(list)]), [
      "consumerAcceptLists[0] names no consumer (projectIdOrNum, networkUrl or endpointUrl): set hubspot-trigger:privateServiceConnect.consumerAcceptList[0].project.",
      "consumerAcceptLists[1].connectionLimit is 0; at least 1 endpoint must be allowed: raise hubspot-trigger:privateServiceConnect.consumerAcceptList[1].connectionLimit.",
    ]);
  });
});
