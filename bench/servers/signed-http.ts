// What both floor servers share: a bare node:http server that reads the body, checks the v3 HMAC as the listener must
// (method + URI + body + timestamp, base64) and hands the verified body text to `handle`, then answers 204. Started
// as a bench child: it says `{ready, port}` over IPC and stops on SIGTERM.
import { createHmac } from "node:crypto";
import { createServer } from "node:http";

export function serveSignedBatches(handle: (text: string) => void): void {
  const secret = process.env.HUBSPOT_CLIENT_SECRET ?? "";
  const publicUrl = process.env.PUBLIC_URL ?? "";
  const port = Number(process.env.PORT ?? "0");

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const timestamp = String(req.headers["x-hubspot-request-timestamp"] ?? "");
      const expected = createHmac("sha256", secret)
        .update(`${req.method ?? ""}${publicUrl}${text}${timestamp}`)
        .digest("base64");
      if (expected !== req.headers["x-hubspot-signature-v3"]) {
        res.writeHead(401).end();
        return;
      }
      handle(text);
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, "127.0.0.1", () => {
    const address = server.address();
    process.send?.({ ready: true, port: typeof address === "object" && address ? address.port : port });
  });
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}
