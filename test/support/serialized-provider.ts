// Loading a dynamic provider the way Pulumi's dynamic-provider host does: its serialized text compiled as a module
// (requireFromString) whose npm requires resolve from the repository root.
import Module from "node:module";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";

const ROOT = join(__dirname, "..", "..");

/** The provider a serialized provider text hands the host. */
export function loadSerializedProvider(text: string): pulumi.dynamic.ResourceProvider {
  const filename = join(ROOT, "serialized-provider.js");
  const loaded = new Module(filename);
  loaded.filename = filename;
  loaded.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(ROOT);
  (loaded as unknown as { _compile(code: string, file: string): void })._compile(text, filename);
  return (loaded.exports as { handler: () => pulumi.dynamic.ResourceProvider }).handler();
}
