import type * as pulumi from "@pulumi/pulumi";
import type * as contract from "../contract/stack-config";

/**
 * The stack configuration after validation, as the program holds it: the contract's schema output
 * (contract/stack-config.ts) with secret values as pulumi Outputs. Defaults are applied already; nothing downstream
 * re-checks or re-defaults.
 */

export {
  EVENT_TYPES,
  REGISTRATION_MODES,
  type DeadLetterConfig,
  type EnrichmentConfig,
  type EventType,
  type ImageBuildConfig,
  type PrivateServiceConnectConfig,
  type PscConsumer,
  type RegistrationMode,
  type RetryConfig,
  type ScalingConfig,
  type SignatureConfig,
  type TriggerConfig,
} from "../contract/stack-config";

export type StackConfig = contract.StackConfig<pulumi.Output<string>>;
export type SecretSource = contract.SecretSource<pulumi.Output<string>>;
export type RegistrationConfig = contract.RegistrationConfig<pulumi.Output<string>>;
