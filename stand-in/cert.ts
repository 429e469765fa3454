/**
 * The provider's TLS certificate. Terraform always dials its plugins with mutual TLS (go-plugin
 * AutoMTLS): the server must present a certificate for `localhost`, which terraform then trusts
 * because the handshake line carries it. node:crypto makes keys but not X.509 certificates;
 * node-forge (one package, no dependencies, synchronous) signs one with a key node:crypto made.
 * The properties follow go-plugin v1.6.0's own generateCert (mtls.go): CN and SAN localhost, a CA,
 * server and client authentication.
 *
 * Made once per installation (install.ts) and reused by every provider start: a key and a
 * signature cost ~150 ms, and terraform starts the provider several times per command.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

export interface TlsFiles {
  readonly certPem: string;
  readonly keyPem: string;
}

export function makeCertificate(): TlsFiles {
  const forge = require("node-forge") as typeof import("node-forge");
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }) as string);
  cert.serialNumber = `01${crypto.randomBytes(15).toString("hex")}`;
  cert.validity.notBefore = new Date(Date.now() - 30_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000);
  const subject = [{ name: "commonName", value: "localhost" }, { name: "organizationName", value: "uc-env-isolation stand-in" }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
    { name: "extKeyUsage", serverAuth: true, clientAuth: true },
    { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] },
  ]);
  const keyPem = privateKey.export({ type: "pkcs1", format: "pem" }) as string;
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** Writes cert.pem and key.pem (owner-only) into `dir`. */
export function writeCertificate(dir: string, tls: TlsFiles = makeCertificate()): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "cert.pem"), tls.certPem, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, "key.pem"), tls.keyPem, { mode: 0o600 });
}

export function readCertificate(dir: string): TlsFiles {
  return { certPem: fs.readFileSync(path.join(dir, "cert.pem"), "utf8"), keyPem: fs.readFileSync(path.join(dir, "key.pem"), "utf8") };
}

/** The handshake's form of a PEM certificate: DER, base64 without padding. */
export function handshakeCert(certPem: string): string {
  return new crypto.X509Certificate(certPem).raw.toString("base64").replace(/=+$/, "");
}
