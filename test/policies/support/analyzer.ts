/**
 * Plays the Pulumi engine against a policy pack started the way the CLI starts it, over the analyzer gRPC protocol.
 * What it mirrors, in pulumi/pulumi:
 * - sdk/nodejs/dist/pulumi-analyzer-policy: the plugin resolves `@pulumi/pulumi/cmd/run-policy-pack` from the pack's
 *   folder and runs it with node;
 * - sdk/go/common/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer: the plugin's working directory is the pack,
 *   its arguments are [engine address, "."], the first line it prints is the port; then Handshake (Unimplemented is
 *   accepted) and ConfigureStack. Analyze/AnalyzeStack marshal properties with KeepUnknowns, KeepSecrets and
 *   SkipInternalKeys; Configure sends one PolicyConfig {enforcementLevel, properties} per policy;
 * - pkg/resource/deploy/step_generator.go: Analyze gets each resource's inputs with its options (parent, protect,
 *   custom timeouts...) and provider; AnalyzeStack gets every resource's outputs with parent, dependencies and
 *   property dependencies;
 * - pkg/resource/analyzer/config.go: the `--policy-pack-config` file (a level, or {enforcementLevel, ...properties},
 *   per policy, and "all") reconciled over each policy's defaults: "all" first, then each entry.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import type { LogRequest } from "@pulumi/pulumi/proto/engine_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { type JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { PlannedResource, PolicyViolation } from "../../../policies/offline";

// The policy SDK's own limit for one message (a whole stack's outputs travel in one AnalyzeStack request).
const MAX_MESSAGE = 400 * 1024 * 1024;

export interface EngineLog {
  severity: number;
  message: string;
  urn: string;
}

export interface RecordingEngine {
  address: string;
  logs: EngineLog[];
  stop(): Promise<void>;
}

/** The engine's Log endpoint, recording what a plugin sends (the other Engine methods answer Unimplemented). */
export async function startEngine(): Promise<RecordingEngine> {
  const logs: EngineLog[] = [];
  const server = new grpc.Server();
  server.addService(EngineService, {
    log: (call: grpc.ServerUnaryCall<LogRequest, Empty>, callback: grpc.sendUnaryData<Empty>) => {
      logs.push({
        severity: call.request.getSeverity(),
        message: call.request.getMessage(),
        urn: call.request.getUrn(),
      });
      callback(null, new Empty());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    logs,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

export interface PackProcess {
  port: number;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts the pack in `dir` as the CLI does and resolves with the port it prints; rejects if it exits first. */
export async function startPack(dir: string, engineAddress: string): Promise<PackProcess> {
  const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
  if (!runner.startsWith(path.join(dir, "node_modules") + path.sep)) {
    throw new Error(`run-policy-pack resolved outside the pack's node_modules: ${runner}`);
  }
  // The CLI's environment, not this test runner's: no tsx loader in NODE_OPTIONS.
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [runner, engineAddress, "."], {
    cwd: dir,
    env,
    detached: true, // its own process group, so stop() ends it and anything it started
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = once(child, "exit");
    process.kill(-child.pid, "SIGKILL");
    await exited;
  };
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf("\n");
      if (newline < 0) return;
      const line = stdout.slice(0, newline).trim();
      if (/^\d+$/.test(line)) resolve(Number(line));
      else reject(new Error(`the pack printed "${line}" instead of its port\n${stderr}`));
    });
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      reject(new Error(`the pack exited (${code ?? signal}) before printing its port:\n${stdout}\n${stderr}`)),
    );
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { port, child, stderr: () => stderr, stop };
}

export type Level = "advisory" | "mandatory" | "remediate" | "disabled";

const LEVELS: Record<Level, pb.EnforcementLevel> = {
  advisory: pb.EnforcementLevel.ADVISORY,
  mandatory: pb.EnforcementLevel.MANDATORY,
  remediate: pb.EnforcementLevel.REMEDIATE,
  disabled: pb.EnforcementLevel.DISABLED,
};

export function levelName(level: pb.EnforcementLevel): Level {
  const name = (Object.keys(LEVELS) as Level[]).find((key) => LEVELS[key] === level);
  if (!name) throw new Error(`invalid enforcement level ${level}`);
  return name;
}

export interface PolicyConfig {
  enforcementLevel?: Level;
  properties?: Record<string, unknown>;
}

/** config.go parsePolicyPackConfig: each entry a level or an object whose `enforcementLevel` is taken out. */
function parsePolicyPackConfig(file: Record<string, unknown>): Map<string, PolicyConfig> {
  const parsed = new Map<string, PolicyConfig>();
  for (const [name, value] of Object.entries(file)) {
    if (typeof value === "string") {
      parsed.set(name, { enforcementLevel: value as Level });
      continue;
    }
    const { enforcementLevel, ...properties } = value as Record<string, unknown>;
    const entry: PolicyConfig = {
      ...(typeof enforcementLevel === "string" ? { enforcementLevel: enforcementLevel as Level } : {}),
      ...(Object.keys(properties).length > 0 ? { properties } : {}),
    };
    if (entry.enforcementLevel || entry.properties) parsed.set(name, entry);
  }
  return parsed;
}

/** config.go applyConfig: "all" sets every policy's level first, then each entry (including "all") is merged in. */
function applyConfig(result: Map<string, PolicyConfig>, config: Map<string, PolicyConfig>): void {
  const all = config.get("all")?.enforcementLevel;
  if (all) for (const [name, entry] of result) result.set(name, { ...entry, enforcementLevel: all });
  for (const [name, given] of config) {
    const current = result.get(name) ?? {};
    const properties =
      given.properties || current.properties ? { ...current.properties, ...given.properties } : undefined;
    result.set(name, {
      ...(given.enforcementLevel || current.enforcementLevel
        ? { enforcementLevel: given.enforcementLevel ?? current.enforcementLevel }
        : {}),
      ...(properties ? { properties } : {}),
    });
  }
}

/** config.go ReconcilePolicyPackConfig: schema defaults and default levels, initial config, then the file. */
export function reconcilePolicyConfig(info: pb.AnalyzerInfo, file: Record<string, unknown>): Map<string, PolicyConfig> {
  const result = new Map<string, PolicyConfig>();
  for (const policy of info.getPoliciesList()) {
    const schema = (policy.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as Record<
      string,
      { default?: unknown }
    >;
    const defaults = Object.entries(schema).filter(([, property]) => property.default !== undefined);
    result.set(policy.getName(), {
      enforcementLevel: levelName(policy.getEnforcementlevel()),
      ...(defaults.length > 0 ? { properties: Object.fromEntries(defaults.map(([k, p]) => [k, p.default])) } : {}),
    });
  }
  const initial = new Map<string, PolicyConfig>();
  info.getInitialconfigMap().forEach((entry, name) =>
    initial.set(name, {
      enforcementLevel: levelName(entry.getEnforcementlevel()),
      properties: entry.getProperties()?.toJavaScript() ?? {},
    }),
  );
  applyConfig(result, initial);
  applyConfig(result, parsePolicyPackConfig(file));
  return result;
}

/**
 * Properties as the engine marshals them: JSON values (secrets and unknowns already in their wire form in a plan),
 * without internal keys (`__provider`, `__defaults`...).
 */
function wireStruct(properties: Record<string, unknown>): Struct {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !key.startsWith("__"))
        .map(([key, v]) => [key, strip(v)]),
    );
  };
  const json = JSON.parse(JSON.stringify(strip(properties))) as Record<string, JavaScriptValue>;
  return Struct.fromJavaScript(json);
}

function resourceOptions(resource: PlannedResource): pb.AnalyzerResourceOptions {
  const timeouts = new pb.AnalyzerResourceOptions.CustomTimeouts();
  timeouts.setCreate(0);
  timeouts.setUpdate(0);
  timeouts.setDelete(0);
  const options = new pb.AnalyzerResourceOptions();
  options.setProtect(false);
  options.setIgnorechangesList([]);
  options.setAliasesList([]);
  options.setAdditionalsecretoutputsList([]);
  options.setCustomtimeouts(timeouts);
  if (resource.parent) options.setParent(resource.parent);
  return options;
}

/** The engine's Analyze request for one resource: its inputs. */
export function analyzeRequest(resource: PlannedResource): pb.AnalyzeRequest {
  const request = new pb.AnalyzeRequest();
  request.setUrn(resource.urn);
  request.setType(resource.type);
  request.setName(resource.name);
  request.setProperties(wireStruct(resource.inputs));
  request.setOptions(resourceOptions(resource));
  return request;
}

/** The engine's AnalyzeStack entry for one resource: its outputs, parent and dependencies. */
export function stackResource(resource: PlannedResource): pb.AnalyzerResource {
  const entry = new pb.AnalyzerResource();
  entry.setUrn(resource.urn);
  entry.setType(resource.type);
  entry.setName(resource.name);
  entry.setProperties(wireStruct(resource.outputs ?? resource.inputs));
  entry.setOptions(resourceOptions(resource));
  if (resource.parent) entry.setParent(resource.parent);
  entry.setDependenciesList(resource.dependencies ?? []);
  return entry;
}

/**
 * A diagnostic as the offline evaluator words it. The SDK sends "<policy description>\n<message>" (the CLI prints
 * both lines; @pulumi/policy server.js makeReportViolationFun), so the description is checked and taken off. A
 * resource diagnostic without URN is the analyzed resource's.
 */
export function toViolation(diagnostic: pb.AnalyzeDiagnostic, analyzedUrn?: string): PolicyViolation {
  const level = levelName(diagnostic.getEnforcementlevel());
  if (level !== "advisory" && level !== "mandatory") throw new Error(`a diagnostic reported at level ${level}`);
  const prefix = `${diagnostic.getDescription()}\n`;
  if (!diagnostic.getMessage().startsWith(prefix)) {
    throw new Error(`diagnostic message "${diagnostic.getMessage()}" does not start with its description`);
  }
  const resource = diagnostic.getUrn() || analyzedUrn;
  return {
    policy: diagnostic.getPolicyname(),
    level,
    ...(resource ? { resource } : {}),
    message: diagnostic.getMessage().slice(prefix.length),
  };
}

type Callback<T> = (error: grpc.ServiceError | null, response: T) => void;

function call<T>(invoke: (callback: Callback<T>) => unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    invoke((error, response) => (error ? reject(error) : resolve(response)));
  });
}

/** The engine's side of one pack: the calls a `pulumi preview --policy-pack` makes, in its order. */
export class AnalyzerSession {
  private readonly client: AnalyzerClient;

  constructor(address: string) {
    this.client = new AnalyzerClient(address, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": MAX_MESSAGE,
      "grpc.max_send_message_length": MAX_MESSAGE,
    });
  }

  /** Handshake with the pack's folder as root and program directory; null when the pack does not implement it. */
  async handshake(engineAddress: string, directory: string): Promise<pb.AnalyzerHandshakeResponse | null> {
    const request = new pb.AnalyzerHandshakeRequest();
    request.setEngineAddress(engineAddress);
    request.setRootDirectory(directory);
    request.setProgramDirectory(directory);
    try {
      return await call<pb.AnalyzerHandshakeResponse>((cb) => this.client.handshake(request, cb));
    } catch (error) {
      if ((error as grpc.ServiceError).code === grpc.status.UNIMPLEMENTED) return null;
      throw error;
    }
  }

  configureStack(organization: string, project: string, stack: string): Promise<pb.AnalyzerStackConfigureResponse> {
    const request = new pb.AnalyzerStackConfigureRequest();
    request.setOrganization(organization);
    request.setProject(project);
    request.setStack(stack);
    // A preview: the CLI sends dry-run true, the stack's config (which the pack does not read) and its tags (none).
    request.setDryRun(true);
    return call((cb) => this.client.configureStack(request, cb));
  }

  info(): Promise<pb.AnalyzerInfo> {
    return call((cb) => this.client.getAnalyzerInfo(new Empty(), cb));
  }

  async configure(config: Map<string, PolicyConfig>): Promise<void> {
    const request = new pb.ConfigureAnalyzerRequest();
    for (const [name, entry] of config) {
      const policy = new pb.PolicyConfig();
      if (entry.enforcementLevel) policy.setEnforcementlevel(LEVELS[entry.enforcementLevel]);
      policy.setProperties(Struct.fromJavaScript((entry.properties ?? {}) as Record<string, JavaScriptValue>));
      request.getPolicyconfigMap().set(name, policy);
    }
    await call((cb) => this.client.configure(request, cb));
  }

  /** Analyze on each resource, then AnalyzeStack on all: every violation, as the offline evaluator words them. */
  async violations(resources: PlannedResource[]): Promise<PolicyViolation[]> {
    const found: PolicyViolation[] = [];
    for (const resource of resources) {
      const response = await call<pb.AnalyzeResponse>((cb) => this.client.analyze(analyzeRequest(resource), cb));
      found.push(...response.getDiagnosticsList().map((d) => toViolation(d, resource.urn)));
    }
    const stack = new pb.AnalyzeStackRequest();
    stack.setResourcesList(resources.map(stackResource));
    const response = await call<pb.AnalyzeResponse>((cb) => this.client.analyzeStack(stack, cb));
    found.push(...response.getDiagnosticsList().map((d) => toViolation(d)));
    return found;
  }

  close(): void {
    this.client.close();
  }
}
