/**
 * The `http.Agent` every outbound HubSpot call is made with (`@hubspot/api-client`'s `httpAgent`), built from
 * `HubSpotTransportSettings`: the destination address (a Private Service Connect endpoint) and the customer's proxy.
 *
 * Shared by the dispatcher's enrichment (runtime/) and the registration provider (components/hubspot/), and the only
 * place both can reach is contract/. The provider's code is serialized into Pulumi state, so this module imports
 * types only and `require`s Node and npm modules inside its functions (a top-level import would be captured as a
 * deep module path); eslint.config.mjs allows exactly that for this one file.
 *
 * The proxy agents are TooTallNate's proxy-agents (the ones npm itself uses): `https-proxy-agent` opens a CONNECT
 * tunnel, `http-proxy-agent` forwards absolute-form requests. undici's ProxyAgent is a Dispatcher, not an
 * `http.Agent`, so it does not plug into the SDK. What the agents do not do, done here: name the proxy in every
 * error without the password, connect a tunnel to the PSC address, and answer a Digest challenge (RFC 7616).
 */
import type * as http from "node:http";
import type { HttpProxyAgent } from "http-proxy-agent";
import type { HttpsProxyAgent } from "https-proxy-agent";
import type { HubSpotTransportSettings, ProxySettings } from "./hubspot-transport";

/** What an agent-base agent's `connect` receives (agent-base comes with the proxy agents). */
type AgentConnectOpts = Parameters<HttpsProxyAgent<string>["connect"]>[1];

export interface HubSpotAgentOptions {
  /**
   * Tests only: the CA certificates HubSpot's (stand-in's) certificate and a TLS proxy's are verified against,
   * instead of Node's bundled roots. Production never sets it.
   */
  caForTests?: string | Buffer;
}

/** How a proxy is named in messages: never with its credentials. */
export function proxyLabel(proxy: Pick<ProxySettings, "host" | "port">): string {
  const host = proxy.host.includes(":") && !proxy.host.startsWith("[") ? `[${proxy.host}]` : proxy.host;
  return `proxy ${host}:${proxy.port}`;
}

/** The `code` of a proxy's refusal (an answer, not a network failure): retrying the same request cannot help. */
export const PROXY_REFUSED = "HUBSPOT_PROXY_REFUSED";

/**
 * An error about the proxy: names it and the problem, never the password (the caller's text is redacted too).
 * `refused`: the proxy answered no (`code` PROXY_REFUSED, which node-fetch copies onto its FetchError).
 */
export function proxyError(proxy: ProxySettings, problem: string, refused = false): Error {
  const text = proxy.password ? problem.split(proxy.password).join("[redacted]") : problem;
  const error = new Error(`${proxyLabel(proxy)}: ${text}`) as Error & { code?: string };
  error.name = "HubSpotProxyError";
  if (refused) error.code = PROXY_REFUSED;
  return error;
}

/**
 * What a 407 answer means to a caller that sees it as an HTTP status (forwarded http requests, where the proxy's
 * answer reaches the SDK as a response): HubSpot itself never answers 407 (RFC 9110 §15.5.8: the proxy's status).
 */
export function proxyRefusal(settings: HubSpotTransportSettings, status: number | undefined): Error | undefined {
  if (status !== 407 || !settings.proxy) return undefined;
  const { proxy } = settings;
  return proxyError(
    proxy,
    `answered 407 Proxy Authentication Required: the proxy refused ${proxy.authScheme === "NONE" ? "a request without credentials" : `the ${proxy.authScheme} credentials of user ${JSON.stringify(proxy.username ?? "")}`}`,
    true,
  );
}

/**
 * The agent for `settings`, or undefined when HubSpot is reached directly by name (the SDK's default agent).
 * - `address` alone: connect to that IP; TLS still verified against the base URL's host name.
 * - a proxy: the agent its `sslType` calls for (see contract/hubspot-transport.ts); with `address`, the tunnel is
 *   opened to the address and TLS inside it verified against the base URL's host name.
 */
export function hubspotAgent(
  settings: HubSpotTransportSettings,
  options: HubSpotAgentOptions = {},
): http.Agent | undefined {
  const base = new URL(settings.baseUrl);
  const secure = base.protocol === "https:";
  if (settings.proxy) {
    const tunnelled = secure || settings.proxy.sslType === "TUNNEL";
    return tunnelled
      ? tunnelAgent(settings.proxy, settings.address, options)
      : forwardingAgent(settings.proxy, settings.address, options);
  }
  if (!settings.address) return undefined;
  return directAgent(settings.address, secure, options);
}

type LookupCallback = (
  error: Error | null,
  address: string | Array<{ address: string; family: number }>,
  family?: number,
) => void;

/** A `lookup` that answers every name with `address` (Node calls it with `all: true` when it races families). */
function fixedLookup(address: string) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved at call time: see the file comment.
  const net = require("node:net") as typeof import("node:net");
  const family = net.isIP(address);
  return (_hostname: string, lookupOptions: { all?: boolean }, callback: LookupCallback): void => {
    if (lookupOptions.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

function directAgent(address: string, secure: boolean, options: HubSpotAgentOptions): http.Agent {
  /* eslint-disable @typescript-eslint/no-require-imports -- resolved at call time: see the file comment. */
  const lookup = fixedLookup(address) as unknown as import("node:net").LookupFunction;
  if (secure) {
    const { Agent } = require("node:https") as typeof import("node:https");
    // The request's host (the base URL's name) stays the TLS server name and the name the certificate must carry.
    return new Agent({ keepAlive: true, lookup, ...(options.caForTests ? { ca: options.caForTests } : {}) });
  }
  const { Agent } = require("node:http") as typeof import("node:http");
  return new Agent({ keepAlive: true, lookup });
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** The proxy's URL, without credentials (they travel in a header, so no agent ever prints them with the URL). */
function proxyUrl(proxy: ProxySettings): URL {
  const host = proxy.host.includes(":") && !proxy.host.startsWith("[") ? `[${proxy.host}]` : proxy.host;
  // ALWAYS: TLS to the proxy itself; every other type speaks plain HTTP to it.
  return new URL(`${proxy.sslType === "ALWAYS" ? "https" : "http"}://${host}:${proxy.port}`);
}

function basicCredentials(proxy: ProxySettings): string {
  return `Basic ${Buffer.from(`${proxy.username ?? ""}:${proxy.password ?? ""}`, "utf8").toString("base64")}`;
}

interface ProxyConnectAnswer {
  statusCode: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
}

/** CONNECT through the proxy for https destinations (and for http ones with TUNNEL). */
function tunnelAgent(proxy: ProxySettings, address: string | undefined, options: HubSpotAgentOptions): http.Agent {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved at call time: see the file comment.
  const { HttpsProxyAgent: Base } = require("https-proxy-agent") as typeof import("https-proxy-agent");
  const digest = proxy.authScheme === "DIGEST" ? digestSession(proxy) : undefined;
  // The CONNECT request the next `headers()` call is for: set right before the base class calls it, synchronously.
  let pendingAuthority = "";
  const headers = (): http.OutgoingHttpHeaders => {
    if (proxy.authScheme === "BASIC") return { "Proxy-Authorization": basicCredentials(proxy) };
    const answer = digest?.authorization("CONNECT", pendingAuthority);
    return answer ? { "Proxy-Authorization": answer } : {};
  };

  class HubSpotTunnelAgent extends Base<string> {
    override async connect(req: http.ClientRequest, opts: AgentConnectOpts) {
      // TLS inside the tunnel is verified against the base URL's name even when the tunnel goes to the address.
      const servername = (opts as { servername?: string }).servername ?? opts.host;
      const target = address ? { ...opts, host: address, servername } : opts;
      const authority = `${target.host}:${target.port}`;
      for (let attempt = 1; ; attempt++) {
        const socketListeners = req.listeners("socket");
        let answer: ProxyConnectAnswer | undefined;
        const onAnswer = (connect: ProxyConnectAnswer) => (answer = connect);
        req.once("proxyConnect", onAnswer);
        let socket: Awaited<ReturnType<HttpsProxyAgent<string>["connect"]>>;
        try {
          pendingAuthority = authority;
          socket = await super.connect(req, target);
        } catch (error) {
          throw proxyError(proxy, `cannot open a tunnel to ${authority}: ${(error as Error).message || String(error)}`);
        } finally {
          req.off("proxyConnect", onAnswer);
        }
        const status = (answer as ProxyConnectAnswer | undefined)?.statusCode;
        if (status === 200) return socket;
        // Refused: drop the base class's replay of the proxy's answer onto the request, and say so as an error.
        for (const listener of req.listeners("socket")) {
          if (!socketListeners.includes(listener)) req.off("socket", listener as (...args: unknown[]) => void);
        }
        socket.destroy();
        const challenge = answer?.headers["proxy-authenticate"];
        if (status === 407 && digest && attempt === 1 && digest.accept(challenge)) continue;
        throw proxyError(proxy, refusal(proxy, `CONNECT ${authority}`, answer), true);
      }
    }
  }

  const agent = new HubSpotTunnelAgent(proxyUrl(proxy).href, {
    headers,
    ...(options.caForTests ? { ca: options.caForTests } : {}),
  });
  // Node merges an agent's `options` into every request's: the destination's TLS (inside the tunnel) sees them.
  if (options.caForTests) agent.options = { ...agent.options, ca: options.caForTests };
  return agent;
}

function refusal(proxy: ProxySettings, what: string, answer: ProxyConnectAnswer | undefined): string {
  if (!answer) return `${what} failed without an answer`;
  const said = `answered ${what} with ${answer.statusCode} ${answer.statusText}`.trim();
  // 407 is the standard refusal; tinyproxy 1.11 answers a wrong password 401 (with WWW-Authenticate) instead.
  if (answer.statusCode !== 407 && answer.statusCode !== 401) return said;
  return proxy.authScheme === "NONE"
    ? `${said}: the proxy wants credentials and none are configured`
    : `${said}: the proxy refused the ${proxy.authScheme} credentials of user ${JSON.stringify(proxy.username ?? "")}`;
}

type ForwardedRequest = Parameters<HttpProxyAgent<string>["connect"]>[0];

/** Absolute-form requests to the proxy for http destinations (AUTO, ALWAYS, NEVER). */
function forwardingAgent(proxy: ProxySettings, address: string | undefined, options: HubSpotAgentOptions): http.Agent {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved at call time: see the file comment.
  const { HttpProxyAgent: Base } = require("http-proxy-agent") as typeof import("http-proxy-agent");
  if (proxy.authScheme === "DIGEST") {
    // The request (and its body) would have to be sent twice; configuration refuses it before it gets here.
    throw proxyError(proxy, "DIGEST authenticates tunnels only: use sslType TUNNEL or an https base URL");
  }
  class HubSpotForwardingAgent extends Base<string> {
    override setRequestProps(req: ForwardedRequest, opts: AgentConnectOpts) {
      super.setRequestProps(req, opts);
      // The proxy connects to the address; the Host header keeps the base URL's name.
      if (address) {
        const target = new URL(req.path);
        target.hostname = address.includes(":") ? `[${address}]` : address;
        req.path = target.href;
      }
    }
    override async connect(req: ForwardedRequest, opts: AgentConnectOpts) {
      try {
        return await super.connect(req, opts);
      } catch (error) {
        throw proxyError(proxy, `cannot connect: ${(error as Error).message || String(error)}`);
      }
    }
  }
  return new HubSpotForwardingAgent(proxyUrl(proxy).href, {
    headers: proxy.authScheme === "BASIC" ? { "Proxy-Authorization": basicCredentials(proxy) } : {},
    ...(options.caForTests ? { ca: options.caForTests } : {}),
  }) as unknown as http.Agent;
}

// ---------------------------------------------------------------------------------------------------------------
// Digest access authentication for the proxy (RFC 7616), qop=auth, MD5 and SHA-256 (plain and -sess). Written here
// because neither proxy agent does it and no well-kept npm package offers it for a CONNECT's Proxy-Authorization
// (the maintained digest clients wrap fetch or axios requests, not an agent's CONNECT).
// ---------------------------------------------------------------------------------------------------------------

/** A `Proxy-Authenticate: Digest ...` challenge's parameters. */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: "MD5" | "MD5-sess" | "SHA-256" | "SHA-256-sess";
  qop: "auth";
  stale: boolean;
}

/** Parses the first Digest challenge of a (Proxy-)Authenticate header, or undefined when there is none we can answer. */
export function parseDigestChallenge(header: string | string[] | undefined): DigestChallenge | undefined {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  for (const value of values) {
    const start = value.search(/(^|,\s*)Digest\s/i);
    if (start < 0) continue;
    const text = value.slice(start).replace(/^,?\s*Digest\s+/i, "");
    const params: Record<string, string> = {};
    // auth-param = token "=" ( token / quoted-string ) (RFC 9110 §11.2); a following scheme ends this challenge.
    const param = /\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^,\s]*)\s*(,|$)/y;
    let match: RegExpExecArray | null;
    while ((match = param.exec(text)) !== null) {
      params[match[1].toLowerCase()] = match[3] !== undefined ? match[3].replace(/\\(.)/g, "$1") : match[2];
      if (match[4] === "") break;
    }
    const algorithm = (params.algorithm ?? "MD5")
      .toUpperCase()
      .replace("SHA-256-SESS", "SHA-256-sess")
      .replace("MD5-SESS", "MD5-sess");
    const qops = (params.qop ?? "").split(",").map((q) => q.trim());
    if (!params.realm || !params.nonce || !qops.includes("auth")) continue;
    if (!["MD5", "MD5-sess", "SHA-256", "SHA-256-sess"].includes(algorithm)) continue;
    return {
      realm: params.realm,
      nonce: params.nonce,
      opaque: params.opaque,
      algorithm: algorithm as DigestChallenge["algorithm"],
      qop: "auth",
      stale: (params.stale ?? "").toLowerCase() === "true",
    };
  }
  return undefined;
}

export interface DigestRequest {
  username: string;
  password: string;
  method: string;
  /** The request-target: `host:port` for a CONNECT. */
  uri: string;
  /** nonce-count, 8 hex digits. */
  nc: string;
  cnonce: string;
}

/** The `response` value of RFC 7616 §3.4.1 for qop=auth. */
export function digestResponse(challenge: DigestChallenge, request: DigestRequest): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved at call time: see the file comment.
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  const hash = (text: string) =>
    createHash(challenge.algorithm.startsWith("SHA-256") ? "sha256" : "md5")
      .update(text, "utf8")
      .digest("hex");
  let ha1 = hash(`${request.username}:${challenge.realm}:${request.password}`);
  if (challenge.algorithm.endsWith("-sess")) ha1 = hash(`${ha1}:${challenge.nonce}:${request.cnonce}`);
  const ha2 = hash(`${request.method}:${request.uri}`);
  return hash(`${ha1}:${challenge.nonce}:${request.nc}:${request.cnonce}:${challenge.qop}:${ha2}`);
}

/** The `Digest ...` credentials (RFC 7616 §3.4) for one request. */
export function digestAuthorization(challenge: DigestChallenge, request: DigestRequest): string {
  const quoted = (value: string) => `"${value.replace(/(["\\])/g, "\\$1")}"`;
  const fields = [
    `username=${quoted(request.username)}`,
    `realm=${quoted(challenge.realm)}`,
    `uri=${quoted(request.uri)}`,
    `algorithm=${challenge.algorithm}`,
    `nonce=${quoted(challenge.nonce)}`,
    `nc=${request.nc}`,
    `cnonce=${quoted(request.cnonce)}`,
    `qop=${challenge.qop}`,
    `response=${quoted(digestResponse(challenge, request))}`,
    ...(challenge.opaque !== undefined ? [`opaque=${quoted(challenge.opaque)}`] : []),
  ];
  return `Digest ${fields.join(", ")}`;
}

/** One proxy's Digest state: the last challenge and its nonce count, answered preemptively once known. */
function digestSession(proxy: ProxySettings) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved at call time: see the file comment.
  const { randomBytes } = require("node:crypto") as typeof import("node:crypto");
  let challenge: DigestChallenge | undefined;
  let count = 0;
  return {
    /** Takes a new challenge; false when there is none we can answer. */
    accept(header: string | string[] | undefined): boolean {
      const next = parseDigestChallenge(header);
      if (!next) return false;
      challenge = next;
      count = 0;
      return true;
    },
    authorization(method: string, uri: string): string | undefined {
      if (!challenge) return undefined;
      count += 1;
      return digestAuthorization(challenge, {
        username: proxy.username ?? "",
        password: proxy.password ?? "",
        method,
        uri,
        nc: count.toString(16).padStart(8, "0"),
        cnonce: randomBytes(16).toString("base64url"),
      });
    },
  };
}
