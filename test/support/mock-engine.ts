// Waiting on Pulumi's mock engine from a spec that runs a whole program in-process.
import * as pulumi from "@pulumi/pulumi";
import { mocks } from "./setup";
import { nextTurn } from "./wait-for";

export function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((done) => output.apply((value) => done(value)));
}

/**
 * Resolves once every resource registration the program started has reached the mock engine, including those that
 * registrations trigger (bindings register inside applies on the outputs they use). The event is Pulumi's own: its
 * queue of registrations in flight drained (what `pulumi.runtime.disconnect()` awaits before disconnecting).
 */
export async function settle(): Promise<void> {
  let seen: number;
  do {
    seen = mocks.resources.length;
    await registrationsDrained();
    // Applies waiting on the outputs just resolved are promise callbacks: they have all run after one macrotask, and
    // any registration they started is in the queue the next drain awaits.
    await nextTurn();
    await registrationsDrained();
  } while (seen !== mocks.resources.length);
}

/** `waitForRPCs` is exported by the SDK's runtime but marked internal; fail loudly should an upgrade drop it. */
function registrationsDrained(): Promise<void> {
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (typeof runtime.waitForRPCs !== "function") {
    throw new Error("@pulumi/pulumi no longer exports runtime.waitForRPCs: settle() cannot wait for registrations");
  }
  return runtime.waitForRPCs();
}
