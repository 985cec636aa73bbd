import { strict as assert } from "node:assert";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { mocks } from "../support/setup";

function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((done) => output.apply((value) => done(value)));
}

describe("offline mocks", () => {
  beforeEach(() => mocks.reset());

  it("gives a service account the email GCP would compute from its account id", async () => {
    const account = new gcp.serviceaccount.Account("sa", { accountId: "hst-listener-dev", project: "acme-dev" });
    assert.equal(await resolve(account.email), "hst-listener-dev@acme-dev.iam.gserviceaccount.com");
    assert.equal(mocks.ofType("gcp:serviceaccount/account:Account").length, 1);
  });

  it("gives a Cloud Run service a stable https URL derived from its name", async () => {
    const a = new gcp.cloudrunv2.Service("svc", { name: "hst-listener", location: "europe-west1", template: {} });
    const uri = await resolve(a.uri);
    assert.match(
      uri,
      /^https:\/\/hst-listener-[0-9a-f]{10}-europewe?\.a\.run\.app$|^https:\/\/hst-listener-[0-9a-f]{10}-[a-z0-9]{1,6}\.a\.run\.app$/,
    );
    const b = new gcp.cloudrunv2.Service("svc2", { name: "hst-listener", location: "europe-west1", template: {} });
    assert.equal(await resolve(b.uri), uri);
  });
});
