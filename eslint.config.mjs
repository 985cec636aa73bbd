// Flat config: typescript-eslint's recommended rules, Prettier owns formatting, and the import boundaries between the
// repository's folders (test/lint/boundaries.spec.ts proves each one fires).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

/**
 * The top-level folders a folder must not import, and why. `no-restricted-imports` matches the import string, not the
 * resolved path, so each folder gets one block per nesting depth: from `runtime/listener/x.ts` the repository root is
 * `../../`, and only a specifier climbing exactly that far and then into a forbidden folder crosses the boundary.
 */
const BOUNDARIES = [
  {
    folder: "runtime",
    forbidden: ["components", "infra", "policies", "scripts", "testing", "test", "bench"],
    packages: { "^@pulumi/": "the runtime image installs runtime/package.json only: no Pulumi SDK in the service" },
    why: "runtime/ is built into the Cloud Run image alone; it may import contract/ and its own npm packages",
  },
  {
    folder: "components",
    forbidden: ["infra", "runtime", "policies", "scripts", "testing", "test"],
    why: "components/ is the library other Pulumi programs consume; it may import contract/ only",
  },
  {
    folder: "contract",
    onlyPackages: ["zod"],
    leaves: true,
    why: "contract/ is read by every other folder, so it depends on nothing but zod",
  },
  {
    folder: "policies",
    leaves: true,
    why: "`pulumi policy publish` ships policies/ alone (docs/policy-pack.md); the contract reaches it as the generated policies/vendor/contract/",
  },
  {
    folder: "infra",
    onlyFolders: ["components", "contract"],
    why: "the Pulumi program assembles the components from its config; everything else is reached through them",
  },
  {
    folder: "bench",
    forbidden: ["test"],
    why: "test/ is the specs; support shared with the bench lives in testing/",
  },
  {
    folder: "scripts",
    forbidden: ["test"],
    why: "test/ is the specs; support shared with the scripts lives in testing/",
  },
];

const MAX_DEPTH = 6;
const SOURCES = "{ts,mts,cts,js,mjs,cjs}";
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `no-restricted-imports` patterns for a file `depth` folders below the root (1 = directly in the folder). */
function patterns(boundary, depth) {
  const root = `^(\\./)?(\\.\\./){${depth}}`;
  const result = [];
  if (boundary.forbidden) {
    result.push({
      regex: `${root}(${boundary.forbidden.join("|")})(/|$)`,
      message: `${boundary.folder}/ must not import ${boundary.forbidden.map((f) => `${f}/`).join(", ")}: ${boundary.why}.`,
    });
  }
  if (boundary.onlyFolders) {
    result.push({
      regex: `${root}(?!(${boundary.onlyFolders.join("|")})/)`,
      message: `${boundary.folder}/ imports only ${boundary.onlyFolders.map((f) => `${f}/`).join(" and ")} of the repository: ${boundary.why}.`,
    });
  }
  if (boundary.leaves) {
    result.push({ regex: root, message: `${boundary.folder}/ imports nothing outside itself: ${boundary.why}.` });
  }
  if (boundary.onlyPackages) {
    const packages = boundary.onlyPackages.map((name) => `${escape(name)}(/|$)`).join("|");
    result.push({
      regex: `^(?!\\.{1,2}/|${packages})`,
      message: `${boundary.folder}/ imports no package but ${boundary.onlyPackages.join(", ")}: ${boundary.why}.`,
    });
  }
  for (const [regex, why] of Object.entries(boundary.packages ?? {})) {
    result.push({ regex, message: `${boundary.folder}/ must not import this package: ${why}.` });
  }
  return result;
}

function boundaryConfigs() {
  const configs = [];
  for (const boundary of BOUNDARIES) {
    for (let depth = 1; depth <= MAX_DEPTH; depth++) {
      configs.push({
        files: [`${boundary.folder}/${"*/".repeat(depth - 1)}*.${SOURCES}`],
        rules: { "no-restricted-imports": ["error", { patterns: patterns(boundary, depth) }] },
      });
    }
  }
  return configs;
}

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "bench/results/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly" } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      "no-console": "off",
    },
  },
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  ...boundaryConfigs(),
  {
    // The one contract module with Node code: the HubSpot agent both the runtime and the serialized registration
    // provider use, and contract/ is the only folder both may import. It imports types only (Node's and the proxy
    // agents') and `require`s the modules at call time, so the rest of contract/ stays zod-only.
    files: ["contract/hubspot-transport-agent.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(\\./)?(\\.\\./)",
              message: "contract/ imports nothing outside itself: contract/ is read by every other folder.",
            },
            {
              regex: "^(?!\\.{1,2}/|node:(http|net)$|https?-proxy-agent$)",
              message:
                "contract/ lets hubspot-transport-agent.ts import types of node:http, node:net and the two proxy agents only: the serialized provider requires its modules at call time.",
            },
          ],
        },
      ],
    },
  },
  prettier,
);
