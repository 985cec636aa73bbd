/** Every rule of the pack, in the order the README lists them. Tests and the offline evaluator import this array. */
import type { Rule } from "../lib/rule";
import { maxInstances } from "./hubspot-trigger-cloudrun-max-instances";
import { deletionProtection } from "./hubspot-trigger-cloudrun-deletion-protection";
import { dispatcherPrivate } from "./hubspot-trigger-cloudrun-dispatcher-private";
import { minInstances } from "./hubspot-trigger-cloudrun-min-instances";
import { labels } from "./hubspot-trigger-gcp-labels";
import { eventTypes } from "./hubspot-trigger-hubspot-event-types";
import { maxConcurrentRequests } from "./hubspot-trigger-hubspot-max-concurrent-requests";
import { propertyChangeProperty } from "./hubspot-trigger-hubspot-property-change-property";
import { targetUrl } from "./hubspot-trigger-hubspot-target-url";
import { triggerNames } from "./hubspot-trigger-hubspot-trigger-names";
import { connectorsAdminHumansOnly } from "./hubspot-trigger-iam-connectors-admin-humans-only";
import { integrationInvokerTriggerOnly } from "./hubspot-trigger-iam-integration-invoker-trigger-only";
import { noBasicRoles } from "./hubspot-trigger-iam-no-basic-roles";
import { noPublicMembers } from "./hubspot-trigger-iam-no-public-members";
import { resourceLevelBindings } from "./hubspot-trigger-iam-resource-level-bindings";
import { runtimeAccountsDedicated } from "./hubspot-trigger-iam-runtime-accounts-dedicated";
import { alertChannels } from "./hubspot-trigger-monitoring-alert-channels";
import { backlogAlerts } from "./hubspot-trigger-monitoring-backlog-alerts";
import { pscAcceptManual } from "./hubspot-trigger-psc-accept-manual";
import { pscConsumerAcceptList } from "./hubspot-trigger-psc-consumer-accept-list";
import { deadLetterIam } from "./hubspot-trigger-pubsub-dead-letter-iam";
import { deadLetterRetention } from "./hubspot-trigger-pubsub-dead-letter-retention";
import { pushDeadLetterPolicy } from "./hubspot-trigger-pubsub-push-dead-letter-policy";
import { pushRetryPolicy } from "./hubspot-trigger-pubsub-push-retry-policy";
import { secretMaterial } from "./hubspot-trigger-secretmanager-secret-material";
import { secretReplication } from "./hubspot-trigger-secretmanager-replication";
import { managedConnectionAccount } from "./hubspot-trigger-managed-connection-account";
import { managedDeadLetter } from "./hubspot-trigger-managed-dead-letter";
import { managedEventingOnly } from "./hubspot-trigger-managed-eventing-only";
import { managedPrivateConnectivity } from "./hubspot-trigger-managed-private-connectivity";

export const rules: Rule[] = [
  // 1. Triggers
  triggerNames,
  eventTypes,
  propertyChangeProperty,
  // 2. IAM
  noBasicRoles,
  noPublicMembers,
  connectorsAdminHumansOnly,
  integrationInvokerTriggerOnly,
  runtimeAccountsDedicated,
  resourceLevelBindings,
  // 3. Secret Manager
  secretReplication,
  secretMaterial,
  // 4. Pub/Sub
  pushDeadLetterPolicy,
  pushRetryPolicy,
  deadLetterRetention,
  deadLetterIam,
  // 5. Cloud Run
  dispatcherPrivate,
  maxInstances,
  deletionProtection,
  minInstances,
  // 6. Private Service Connect
  pscAcceptManual,
  pscConsumerAcceptList,
  // 7. Labels
  labels,
  // 8. HubSpot registration
  targetUrl,
  maxConcurrentRequests,
  // 9. Monitoring
  alertChannels,
  backlogAlerts,
  // 10. Managed backend (Integration Connectors)
  managedConnectionAccount,
  managedEventingOnly,
  managedPrivateConnectivity,
  managedDeadLetter,
];
