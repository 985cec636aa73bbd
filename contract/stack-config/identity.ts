import { z } from "zod";
import { googleManagedAccountProblem, type AccountRole } from "../roles";
import { ALWAYS, describeValue, section } from "./fields";
import type { StringRule } from "./rules";

/**
 * Resources the stack uses instead of creating them (seed: "compte de service" picked from a list, and an existing
 * dead-letter topic): the runtime service accounts by email and the dead-letter topic by path.
 */

/**
 * A user-managed service account: `<account id>@<project id>.iam.gserviceaccount.com`, account id 6-30 characters
 * (https://cloud.google.com/iam/docs/service-accounts-create#creating). Google-managed accounts have other domains
 * and are refused below with their own reason.
 */
export const SERVICE_ACCOUNT_EMAIL: StringRule = {
  pattern: /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/,
  rule:
    "a user-managed service account email NAME@PROJECT.iam.gserviceaccount.com (also accepted as " +
    "serviceAccount:EMAIL or projects/PROJECT/serviceAccounts/EMAIL)",
};

/** `projects/P/topics/T` (https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names). */
export const TOPIC_PATH: StringRule = {
  pattern: /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/topics\/(?!goog)[A-Za-z][A-Za-z0-9._~+%-]{2,254}$/,
  rule: "an existing Pub/Sub topic as projects/PROJECT/topics/TOPIC",
};

/** What each account may do, for the message when two roles share one. */
const ACCOUNT_RIGHTS: Record<AccountRole, string> = {
  listener: "is public, reads the client secret and publishes events",
  trigger: "executes every integration of the project",
  push: "may invoke the dispatcher",
};

/** `serviceAccount:EMAIL` and `projects/P/serviceAccounts/EMAIL` (IAM's member and resource forms) -> EMAIL. */
export function serviceAccountEmail(value: string): string {
  return value.replace(/^serviceAccount:/, "").replace(/^projects\/[^/]+\/serviceAccounts\//, "");
}

export function accountEmail() {
  return z
    .string({ error: (iss) => `got ${describeValue(iss.input)}; must be a string; ${SERVICE_ACCOUNT_EMAIL.rule}` })
    .transform((value, ctx) => {
      const email = serviceAccountEmail(value.trim());
      const refused = googleManagedAccountProblem(email);
      if (refused !== undefined) {
        ctx.addIssue({ code: "custom", input: value, message: `${describeValue(value)} ${refused}` });
        return z.NEVER;
      }
      if (!SERVICE_ACCOUNT_EMAIL.pattern?.test(email)) {
        ctx.addIssue({
          code: "custom",
          input: value,
          message: `${describeValue(value)} is not a service account email; ${SERVICE_ACCOUNT_EMAIL.rule}`,
        });
        return z.NEVER;
      }
      return email;
    })
    .optional();
}

const ACCOUNT_RULE = `${SERVICE_ACCOUNT_EMAIL.rule}; not a Google default account or service agent; one account per role`;

export const serviceAccountsSchema = section({
  listener: accountEmail().meta({
    docType: "email",
    docDefault: "created",
    rule: `an existing account the listener runs as, instead of a created one: ${ACCOUNT_RULE}`,
  }),
  trigger: accountEmail().meta({
    docType: "email",
    docDefault: "created",
    rule: 'the trigger\'s service account (seed "compte de service"): runs the dispatcher, holds the integration invoker role; as `listener`',
  }),
  push: accountEmail().meta({
    docType: "email",
    docDefault: "created",
    rule: "the push subscriptions' OIDC identity, the only invoker of the dispatcher; as `listener`",
  }),
})
  .check(
    z.superRefine((accounts: Record<string, unknown>, ctx) => {
      // Compared after normalisation, so "serviceAccount:x@..." and "x@..." are the same account.
      const seen = new Map<string, AccountRole>();
      for (const role of Object.keys(ACCOUNT_RIGHTS) as AccountRole[]) {
        const value = accounts[role];
        if (typeof value !== "string") continue;
        const other = seen.get(value);
        if (other !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [role],
            message:
              `${describeValue(value)} is also serviceAccounts.${other}; each role needs its own account, or one ` +
              `holds the other's rights (the ${other} account ${ACCOUNT_RIGHTS[other]}; the ${role} account ${ACCOUNT_RIGHTS[role]})`,
          });
          continue;
        }
        seen.set(value, role);
      }
    }, ALWAYS),
  )
  .prefault({});

export const SERVICE_ACCOUNTS_DEFAULTS = serviceAccountsSchema.parse({});
