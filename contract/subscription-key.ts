/**
 * A trigger subscription's name is `<key>-<settings hash>`: the key (`<connection>-<env>-trigger-<name>-<stack
 * suffix>`) never changes for a trigger, the 7-hex hash changes whenever a setting Pub/Sub cannot update in place
 * (filter, message ordering) changes, so Pulumi creates the new subscription before deleting the old one.
 *
 * Whatever must follow a trigger across such a rename matches on the key: the `redriveSubscription` attribute of a
 * redriven dead letter, the subscription filter clause that lets it through, and the dispatcher's check of it.
 * Names from before the hash existed end with the 8-hex stack suffix, so they are their own key.
 */

/** Hex digits of the settings hash at the end of a versioned trigger subscription name. */
export const SETTINGS_HASH_LENGTH = 7;

// The key always ends with "-" and the 8-hex stack suffix; the hash follows it.
const VERSIONED = new RegExp(`^(.+-[0-9a-f]{8})-[0-9a-f]{${SETTINGS_HASH_LENGTH}}$`);

/** The stable key of a subscription name (short name or `projects/P/subscriptions/S`); unversioned names unchanged. */
export function subscriptionKey(subscription: string): string {
  const short = subscription.slice(subscription.lastIndexOf("/") + 1);
  return VERSIONED.exec(short)?.[1] ?? short;
}
