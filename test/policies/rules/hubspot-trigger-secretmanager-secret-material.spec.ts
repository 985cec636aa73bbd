import * as assert from "node:assert/strict";
import { secretMaterial } from "../../../policies/rules/hubspot-trigger-secretmanager-secret-material";
import { evaluatePolicies } from "../../../policies/offline";
import { messages, planned } from "../support/harness";
import { one, wireSecret } from "../support/stack";

describe("hubspot-trigger-secretmanager-secret-material", () => {
  it("accepts secrets passed as Secret Manager references and a filled secret version", () => {
    assert.deepEqual(messages(secretMaterial, [one("listener"), one("dispatcher"), one("clientSecretVersion")]), []);
  });

  it("reports literal secret variables without echoing their value", () => {
    const listener = one("listener", (inputs) => {
      inputs.template.containers[0].envs.push(
        { name: "HUBSPOT_CLIENT_SECRET_PREVIOUS", value: "1f2e3d4c-old-secret" },
        { name: "SLACK_API_KEY", value: "xoxb-123" },
      );
    });
    const violations = evaluatePolicies([listener], {}, { rules: [secretMaterial] });
    assert.deepEqual(
      violations.map((v) => v.message),
      [
        "Container 0 sets HUBSPOT_CLIENT_SECRET_PREVIOUS as a literal value; use valueSource.secretKeyRef: set it with " +
          "`pulumi config set --secret hubspot-trigger:previousClientSecret`, or reference an existing secret with " +
          "hubspot-trigger:previousClientSecretRef.",
        "Container 0 sets SLACK_API_KEY as a literal value; use valueSource.secretKeyRef.",
      ],
    );
    assert.ok(!JSON.stringify(violations).includes("old-secret"));
  });

  it("reports a literal proxy password on the dispatcher with the proxyPassword config keys", () => {
    const dispatcher = one("dispatcher", (inputs) => {
      inputs.template.containers[0].envs.push({ name: "HUBSPOT_PROXY_PASSWORD", value: "pr0xy-pa55" });
    });
    const violations = evaluatePolicies([dispatcher], {}, { rules: [secretMaterial] });
    assert.deepEqual(
      violations.map((v) => v.message),
      [
        "Container 0 sets HUBSPOT_PROXY_PASSWORD as a literal value; use valueSource.secretKeyRef: set it with " +
          "`pulumi config set --secret hubspot-trigger:proxyPassword`, or reference an existing secret with " +
          "hubspot-trigger:proxyPasswordRef.",
      ],
    );
    assert.ok(!JSON.stringify(violations).includes("pr0xy-pa55"));
  });

  it("reports an empty secret version", () => {
    const empty = one("clientSecretVersion", (inputs) => {
      inputs.secretData = wireSecret("");
    });
    assert.deepEqual(messages(secretMaterial, [empty]), ["The secret version's secretData is empty."]);
  });

  it("names the config key of an empty version named the way the secrets component names it", () => {
    const version = (name: string) =>
      planned("gcp:secretmanager/secretVersion:SecretVersion", name, { secret: "s", secretData: wireSecret("") });
    assert.deepEqual(
      messages(secretMaterial, [
        version("hubspot-secrets-client-secret-version"),
        version("hubspot-secrets-previous-client-secret-version"),
      ]),
      ["clientSecret", "previousClientSecret"].map(
        (key) =>
          "The secret version's secretData is empty: set it with " +
          `\`pulumi config set --secret hubspot-trigger:${key}\`, or reference an existing secret with ` +
          `hubspot-trigger:${key}Ref.`,
      ),
    );
  });
});
