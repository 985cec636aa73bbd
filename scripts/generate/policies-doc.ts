/**
 * The rule table of docs/policies.md, from the rules themselves (policies/rules/index.ts: name, kind, severity,
 * description) and the environment configs (policies/config/*.json: each rule's level there), so the page cannot
 * describe a rule, a level or an order the pack does not have. Only the lines between the markers are generated.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { isStackRule } from "../../policies/lib/rule";
import { effectiveLevel, loadPolicyConfig, type PolicyConfigFile } from "../../policies/offline";
import { rules } from "../../policies/rules";
import type { Generator } from "./index";

const ROOT = path.resolve(__dirname, "../..");
const DOC = "docs/policies.md";
const CONFIG_DIR = "policies/config";

export const BEGIN =
  "<!-- BEGIN generated rule table: scripts/generate/policies-doc.ts from policies/rules and policies/config; run `npm run generate` -->";
export const END = "<!-- END generated rule table -->";

/** The environments with a config file, in name order (dev, prod), each as the offline evaluator and the CLI read it. */
function environments(): { name: string; config: PolicyConfigFile }[] {
  return readdirSync(path.join(ROOT, CONFIG_DIR))
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => path.basename(file, ".json"))
    .map((name) => ({ name, config: loadPolicyConfig(name) }));
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

export function ruleTable(): string {
  const envs = environments();
  const header = ["Rule", "Scope", "Severity", ...envs.map((env) => env.name), "What it checks"];
  const rows = rules.map((rule) => [
    `\`${rule.name}\``,
    isStackRule(rule) ? "stack" : "resource",
    rule.severity,
    ...envs.map((env) => effectiveLevel(rule, env.config)),
    cell(rule.description),
  ]);
  return [header, header.map(() => "---"), ...rows].map((row) => `| ${row.join(" | ")} |\n`).join("");
}

export const policiesDoc: Generator = () => {
  const doc = readFileSync(path.join(ROOT, DOC), "utf8");
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${DOC} lost its rule table markers: put back ${BEGIN} and ${END}`);
  const content = `${doc.slice(0, begin)}${BEGIN}\n\n${ruleTable()}\n${doc.slice(end)}`;
  return [{ file: DOC, content }];
};
