// The floor the benchmarks compare against: the least a Node server must do per HubSpot request (read the body, check
// the v3 HMAC, JSON.parse, answer 204). No validation, no publishing: anything the listener adds is measured against
// this.
import { createHmac } from "node:crypto";
import { createServer } from "node:http";

const secret = process.env.HUBSPOT_CLIENT_SECRET ?? "";
const publicUrl = process.env.PUBLIC_URL ?? "";
const port = Number(process.env.PORT ?? "0");

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const timestamp = String(req.headers["x-hubspot-request-timestamp"] ?? "");
    const expected = createHmac("sha256", secret)
      .update(`${req.method ?? ""}${publicUrl}${body.toString("utf8")}${timestamp}`)
      .digest("base64");
    if (expected !== req.headers["x-hubspot-signature-v3"]) {
      res.writeHead(401).end();
      return;
    }
    JSON.parse(body.toString("utf8"));
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  process.send?.({ ready: true, port: typeof address === "object" && address ? address.port : port });
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
