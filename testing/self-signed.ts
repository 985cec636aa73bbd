/**
 * Self-signed certificates for TLS stand-ins, made with the machine's `openssl` (Node has no certificate writer and
 * hand-built ASN.1 would be a second thing to test). Each certificate is its own trust anchor: a test passes it as
 * the CA so Node verifies the chain and the name exactly as it would for a public one.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface SelfSigned {
  key: string;
  cert: string;
}

/** A P-256 key and a one-day certificate whose subjectAltName is `san` ("DNS:api.hubapi.test", "IP:127.0.0.1"). */
export function selfSigned(san: string): SelfSigned | { missing: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "cert-"));
  try {
    const key = path.join(dir, "key.pem");
    const cert = path.join(dir, "cert.pem");
    const made = spawnSync(
      "openssl",
      [
        "req",
        "-x509",
        "-nodes",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-days",
        "1",
        "-subj",
        `/CN=${san.replace(/^[A-Z]+:/, "")}`,
        "-addext",
        `subjectAltName=${san}`,
        "-keyout",
        key,
        "-out",
        cert,
      ],
      { encoding: "utf8" },
    );
    if (made.error || made.status !== 0)
      return { missing: `openssl could not make a certificate: ${made.error?.message ?? made.stderr}` };
    return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
