/**
 * Telltale's certificate authority for HTTPS interception: an ECDSA P-256 CA made once in the
 * data folder (private key owner-only), and leaf certificates per host signed by it, cached.
 * All leaves share one key pair (as mitmproxy does): signing is cheap, key generation is not.
 */
import { createHash, createPrivateKey, KeyObject, webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
// @peculiar/x509 resolves its algorithms with tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { LeafIssuer } from './connect-tunnel.ts';

// Node's WebCrypto is a full implementation; the library's type is the DOM's.
x509.cryptoProvider.set(webcrypto as never);

const algorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signing = { name: 'ECDSA', hash: 'SHA-256' } as const;
const day = 24 * 60 * 60 * 1000;

export const CA_CERT_FILE = 'telltale-ca.pem';
export const CA_KEY_FILE = 'telltale-ca-key.pem';

export interface CertificateAuthority extends LeafIssuer {
  readonly certPath: string;
  readonly keyPath: string;
  readonly certPem: string;
  /** base64 SHA-256 of the CA's SubjectPublicKeyInfo (Chromium's --ignore-certificate-errors-spki-list). */
  readonly spkiSha256: string;
  /** A leaf certificate and key (PEM) for a host name or IP literal. */
  leafFor(host: string): Promise<{ cert: string; key: string }>;
}

function exportKey(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** Loads the CA from `dir`, making it first if there is none. */
export async function loadOrCreateCa(dir: string): Promise<CertificateAuthority> {
  const certPath = join(dir, CA_CERT_FILE);
  const keyPath = join(dir, CA_KEY_FILE);
  if (!existsSync(certPath) || !existsSync(keyPath)) await createCa(dir, certPath, keyPath);
  const certPem = readFileSync(certPath, 'utf8');
  const keyPem = readFileSync(keyPath, 'utf8');
  const caCert = new x509.X509Certificate(certPem);
  const caKey = createPrivateKey(keyPem).toCryptoKey(algorithm, false, ['sign']);
  const spkiSha256 = createHash('sha256')
    .update(Buffer.from(caCert.publicKey.rawData))
    .digest('base64');

  const leafKeys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const leafKeyPem = exportKey(leafKeys.privateKey);
  const authorityKeyId = await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey);
  const leaves = new Map<string, Promise<{ cert: string; key: string }>>();
  const contexts = new Map<string, Promise<tls.SecureContext>>();

  const makeLeaf = async (host: string): Promise<{ cert: string; key: string }> => {
    const isIp = net.isIP(host) !== 0;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
        .toString('hex')
        .replace(/^[89a-f]/, '1'),
      subject: `CN=${isIp ? host : host.replace(/[,=+<>#;\\"]/g, '')}`,
      issuer: caCert.subject,
      notBefore: new Date(Date.now() - day),
      // Under the 398 days browsers accept for leaves.
      notAfter: new Date(Date.now() + 365 * day),
      signingAlgorithm: signing,
      publicKey: leafKeys.publicKey,
      signingKey: caKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: isIp ? 'ip' : 'dns', value: host }]),
        authorityKeyId,
      ],
    });
    return { cert: cert.toString('pem') + '\n' + certPem, key: leafKeyPem };
  };

  const leafFor = (host: string): Promise<{ cert: string; key: string }> => {
    const key = host.toLowerCase();
    let leaf = leaves.get(key);
    if (!leaf) {
      leaf = makeLeaf(key);
      leaves.set(key, leaf);
      leaf.catch(() => leaves.delete(key));
    }
    return leaf;
  };
  const contextFor = (host: string): Promise<tls.SecureContext> => {
    const key = host.toLowerCase();
    let context = contexts.get(key);
    if (!context) {
      context = leafFor(key).then((leaf) => tls.createSecureContext(leaf));
      contexts.set(key, context);
      context.catch(() => contexts.delete(key));
    }
    return context;
  };
  return { certPath, keyPath, certPem, spkiSha256, leafFor, contextFor };
}

async function createCa(dir: string, certPath: string, keyPath: string): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=Telltale CA (${new Date().toISOString().slice(0, 10)}), O=Telltale local proxy`,
    notBefore: new Date(Date.now() - day),
    notAfter: new Date(Date.now() + 10 * 365 * day),
    keys,
    signingAlgorithm: signing,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  // Key first, owner-only, written under a temporary name: a half-made CA is never picked up.
  const keyTmp = `${keyPath}.tmp`;
  writeFileSync(keyTmp, exportKey(keys.privateKey), { mode: 0o600 });
  chmodSync(keyTmp, 0o600);
  renameSync(keyTmp, keyPath);
  const certTmp = `${certPath}.tmp`;
  writeFileSync(certTmp, cert.toString('pem') + '\n', { mode: 0o644 });
  renameSync(certTmp, certPath);
}
