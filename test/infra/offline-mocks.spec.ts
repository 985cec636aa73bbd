import { strict as assert } from "node:assert";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks } from "../../scripts/lib/offline-plan/mocks";
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

  it("names secrets by the planned project's number, as Secret Manager does", () => {
    const planned = new RecordingMocks({ id: "acme-prod", number: "555000111222" });
    const result = planned.newResource({
      type: "gcp:secretmanager/secret:Secret",
      name: "s",
      inputs: { secretId: "hubspot-client-secret" },
      custom: true,
    });
    assert.equal(result.state.name, "projects/555000111222/secrets/hubspot-client-secret");
    assert.equal(planned.call({ token: "gcp:organizations/getProject:getProject", inputs: {} }).number, "555000111222");
  });
});
