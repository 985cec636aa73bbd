// Waiting on Pulumi's mock engine from a spec that runs a whole program in-process.
import type * as pulumi from "@pulumi/pulumi";
import { mocks } from "./setup";

export function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((done) => output.apply((value) => done(value)));
}

/** Waits until the mock engine stops receiving registrations (bindings register after the outputs they use). */
export async function settle(): Promise<void> {
  let count = -1;
  while (count !== mocks.resources.length) {
    count = mocks.resources.length;
    await new Promise((done) => setTimeout(done, 25));
  }
}
