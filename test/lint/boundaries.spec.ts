// The import boundaries eslint.config.mjs declares, run through ESLint's own API on the repository's config: each
// folder gets an import it must refuse (with the rule's message naming the folder) and one it may keep.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { ESLint } from "eslint";

const ROOT = path.resolve(__dirname, "../..");
const eslint = new ESLint({ cwd: ROOT });

/** The boundary messages ESLint reports for `code` as if it were the file at `file` (relative to the root). */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  assert.ok(result, `ESLint linted ${file}`);
  assert.equal(result.messages.filter((m) => m.fatal).length, 0, `${file} parses`);
  return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

interface Case {
  file: string;
  forbidden: string[];
  allowed: string[];
}

const CASES: Case[] = [
  {
    file: "runtime/listener/handler.ts",
    forbidden: [
      "@pulumi/pulumi",
      "@pulumi/gcp",
      "../../components/naming",
      "../../infra/config",
      "../../policies/lib/conventions",
      "../../scripts/lib/redrive",
      "../../testing/sample-events",
      "../../test/listener/support/fixtures",
      "../../bench/requests",
    ],
    allowed: ["../../contract/http", "../shared/log", "./config", "@google-cloud/pubsub", "node:http"],
  },
  {
    file: "runtime/main.ts",
    forbidden: ["../components/naming", "@pulumi/pulumi"],
    allowed: ["../contract/events", "./shared/log"],
  },
  {
    file: "components/hubspot/registration.ts",
    forbidden: [
      "../../infra/config",
      "../../runtime/shared/log",
      "../../policies/offline",
      "../../scripts/lib/redrive",
      "../../testing/sample-events",
      "../../test/components/support",
    ],
    allowed: ["../../contract/roles", "../naming", "./http", "@pulumi/pulumi", "@pulumi/gcp"],
  },
  {
    // The managed backend's serialized providers: the Connectors stand-in and the specs stay out of the library.
    file: "components/managed/connection-eventing.ts",
    forbidden: ["../../testing/connectors-stand-in", "../../test/managed/support", "../../infra/config"],
    allowed: ["./connectors-api", "../hubspot/validation", "../../contract/names", "googleapis", "@pulumi/pulumi"],
  },
  {
    file: "contract/events.ts",
    forbidden: ["../components/naming", "../runtime/shared/log", "@pulumi/pulumi", "node:fs", "lodash"],
    allowed: ["./names", "zod", "zod/mini"],
  },
  {
    // The one contract module with Node code (eslint.config.mjs says why): types of Node and the proxy agents only.
    file: "contract/hubspot-transport-agent.ts",
    forbidden: ["../runtime/shared/log", "lodash", "node:fs", "undici"],
    allowed: ["./hubspot-transport", "node:http", "node:net", "https-proxy-agent", "http-proxy-agent"],
  },
  {
    file: "policies/rules/hubspot-trigger-gcp-labels.ts",
    forbidden: ["../../contract/labels", "../../components/labels", "../../infra/config-types"],
    allowed: ["../lib/conventions", "../vendor/contract/labels", "./hubspot-trigger-gcp-labels", "@pulumi/policy"],
  },
  {
    file: "policies/vendor/contract/events.ts",
    forbidden: ["../../../contract/events"],
    allowed: ["./names", "../conventions"],
  },
  {
    file: "policies/index.ts",
    forbidden: ["../contract", "../components/labels"],
    allowed: ["./rules", "@pulumi/policy"],
  },
  {
    file: "infra/config/validate.ts",
    forbidden: [
      "../../runtime/shared/log",
      "../../policies/offline",
      "../../scripts/plan",
      "../../testing/sample-events",
    ],
    allowed: ["../../components/naming", "../../contract/names", "./problems", "../config-types", "@pulumi/pulumi"],
  },
  {
    file: "bench/servers/listener-server.ts",
    forbidden: ["../../test/listener/support/fixtures"],
    allowed: ["../../testing/sample-events", "../../runtime/listener", "../requests"],
  },
  {
    file: "scripts/lib/preflight/apis.ts",
    forbidden: ["../../../test/support/setup"],
    allowed: ["../../../testing/sample-events", "../../../contract/stack-config", "../command-line"],
  },
];

describe("import boundaries (eslint.config.mjs)", function () {
  this.timeout(60_000);

  for (const { file, forbidden, allowed } of CASES) {
    // The message names the importing folder's boundary and its reason, so whoever trips it learns why.
    const folder = file.split("/")[0];
    describe(file, () => {
      for (const specifier of forbidden) {
        it(`refuses ${specifier}`, async () => {
          const errors = await boundaryErrors(file, `import "${specifier}";\n`);
          assert.equal(errors.length, 1, `one boundary error, got ${JSON.stringify(errors)}`);
          assert.match(errors[0], new RegExp(`restricted from being used by a pattern\\. ${folder}/ .+: .+\\.$`));
        });
      }
      it(`accepts ${allowed.join(", ")}`, async () => {
        const code = allowed.map((specifier) => `import "${specifier}";\n`).join("");
        assert.deepEqual(await boundaryErrors(file, code), []);
      });
    });
  }

  it("refuses a type-only import and a re-export as well as a plain import", async () => {
    const code = 'import type { Output } from "@pulumi/pulumi";\nexport { naming } from "../../components/naming";\n';
    assert.equal((await boundaryErrors("runtime/dispatcher/index.ts", code)).length, 2);
  });
});
