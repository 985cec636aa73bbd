/**
 * What the Cloud SDK emulators (Pub/Sub, Firestore) share as test processes: finding the launcher under the SDK,
 * a free 127.0.0.1 port, and a process group per emulator (the launcher script forks Java; killing only the script
 * would leave the server running), stopped with SIGTERM then SIGKILL and killed when the test process exits.
 */
import { spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

const DEFAULT_SDK_ROOT = "/usr/lib/google-cloud-sdk";

/** The launcher at `relativePath` under the Cloud SDK, or the reason there is none. */
export function findSdkLauncher(
  relativePath: string,
  product: string,
  debianPackage: string,
): { binary: string } | { missing: string } {
  const roots = [process.env.CLOUDSDK_ROOT_DIR, DEFAULT_SDK_ROOT].filter((root): root is string => Boolean(root));
  const launcher = (root: string) => path.join(root, relativePath);
  if (!roots.some((root) => existsSync(launcher(root)))) {
    // Ask gcloud only when the usual places miss: it takes seconds to answer.
    const gcloud = spawnSync("gcloud", ["info", "--format=value(installation.sdk_root)"], {
      encoding: "utf8",
      timeout: 15_000,
    });
    if (gcloud.status === 0 && gcloud.stdout.trim()) roots.unshift(gcloud.stdout.trim());
  }
  const binary = roots.map(launcher).find(existsSync);
  if (!binary) return { missing: `no ${product} under ${roots.join(", ")} (install ${debianPackage})` };
  if (spawnSync("java", ["-version"], { stdio: "ignore" }).status !== 0)
    return { missing: `java is not on PATH (the ${product} needs a JRE)` };
  return { binary };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** A detached emulator process: killed with its group when the test process exits. */
export function trackProcessGroup(child: ChildProcess): void {
  running.add(child);
}

/** SIGTERM to the group, SIGKILL after 3 s, then SIGKILL anyway: the Java child may outlive the launcher. */
export async function stopProcessGroup(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve()),
  );
  killGroup(child, "SIGTERM");
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
  killGroup(child, "SIGKILL");
  running.delete(child);
}
