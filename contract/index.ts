// The contract every room of the package reads: the components, the runtime, the policy pack and the program. It
// depends on nothing, so each of them can import it without importing the others.
export * from "./events";
export * from "./http";
export * from "./hubspot-transport";
export * from "./labels";
export * from "./names";
export * from "./roles";
export * from "./subscription-key";
