// Reads a V8 `.cpuprofile` (node --cpu-prof) and says where the busy time went: raw self time per function, and
// time per function of ours (runtime/**), each sample charged to the innermost frame of ours on its stack, so the
// builtins and libraries a function of ours calls (JSON.stringify, crypto.hash, ...) count against it. Samples before
// the first HTTP request, and `skipMs` after it (the warm-up: the Pub/Sub client loads its modules on first use),
// are dropped: module loading is not the hot path.
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  ms: number;
  /** Share of the busy time (all samples but `(idle)`), in %. */
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  busyMs: number;
  /** Raw self time per function, any code. */
  selfTop: Share[];
  /** Per function of ours, inclusive of non-ours callees; else the innermost package's or node's. */
  oursTop: Share[];
}

const OURS = /\/(runtime\/(listener|shared)|bench\/servers)\//;
const HTTP_SERVER = "node:_http_server";

// Function and file only: tsx's transform leaves line numbers that do not match the sources.
function frameName(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  const file = url.replace(/^.*\/(runtime|node_modules|bench)\//, "$1/");
  return `${functionName || "(anonymous)"} ${file}`.trim();
}

export function summarizeProfile(file: string, top = 15, skipMs = 0): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Innermost frame of ours on each node's stack, memoised per node (a node is one stack); with none, the innermost
  // package's (the Pub/Sub client's own timers and sockets, say), else node itself.
  const oursOf = new Map<number, string>();
  const attribute = (id: number): string => {
    const known = oursOf.get(id);
    if (known !== undefined) return known;
    let library: string | undefined;
    let name = "(node internals, no code of ours)";
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)!;
      if (OURS.test(node.callFrame.url)) {
        name = frameName(node);
        break;
      }
      library ??= /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(node.callFrame.url)?.[1];
      if (parent.get(at) === undefined && library) name = `(${library}, no code of ours)`;
    }
    oursOf.set(id, name);
    return name;
  };

  const servesHttp = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      if (byId.get(at)!.callFrame.url === HTTP_SERVER) return true;
    }
    return false;
  };
  const firstRequest = profile.samples.findIndex(servesHttp);
  let first = firstRequest;
  for (let skippedUs = 0; first < profile.samples.length && skippedUs < skipMs * 1000; first++) {
    skippedUs += profile.timeDeltas[first + 1] ?? 0;
  }

  const self = new Map<string, number>();
  const ours = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  profile.samples.forEach((id, index) => {
    if (index < first) return;
    // timeDeltas[i] is the time before sample i; charging it to sample i is V8's own convention in DevTools.
    const us = profile.timeDeltas[index] ?? 0;
    totalUs += us;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === "(idle)") {
      idleUs += us;
      return;
    }
    const name = frameName(node);
    self.set(name, (self.get(name) ?? 0) + us);
    const mine = attribute(id);
    ours.set(mine, (ours.get(mine) ?? 0) + us);
  });
  const busyUs = totalUs - idleUs;
  const rank = (map: Map<string, number>): Share[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({
        name,
        ms: Math.round(us / 1000),
        percent: Math.round((us / busyUs) * 1000) / 10,
      }));
  return {
    totalMs: Math.round(totalUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    selfTop: rank(self),
    oursTop: rank(ours),
  };
}

export function profileMarkdown(summary: ProfileSummary): string {
  const table = (title: string, rows: Share[]) =>
    [
      `| ${title} | ms | % of busy |`,
      "|---|---:|---:|",
      ...rows.map((r) => `| ${r.name} | ${r.ms} | ${r.percent} |`),
    ].join("\n");
  return [
    `Profiled ${summary.totalMs} ms: busy ${summary.busyMs} ms, idle ${summary.idleMs} ms.`,
    "",
    table("function of ours (incl. builtins/libraries it calls)", summary.oursTop),
    "",
    table("raw self time (any code)", summary.selfTop),
  ].join("\n");
}
