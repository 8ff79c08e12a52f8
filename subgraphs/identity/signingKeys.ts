/**
 * The keys that sign access tokens: ES256 (ECDSA on P-256). Private keys are stored encrypted with AES-256-GCM under a
 * key derived from the key-encryption secret, so a copy of the database alone cannot mint tokens.
 *
 * Rotation keeps tokens valid: the new key becomes ACTIVE, the old one RETIRED, and the JWKS keeps publishing a
 * retired key until every token it signed has expired (retiredAt + access-token TTL). Which key is active is read
 * from the database on every issue, so replicas agree right after a rotation; decrypted keys are cached by kid (a
 * kid's key never changes).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  hkdfSync,
  type JsonWebKey,
  type KeyObject,
  randomBytes,
} from "node:crypto";
import { isUniqueViolation } from "../../lib/db/errors.ts";
import { codedError } from "../../lib/errors.ts";
import type { Prisma, SigningKey } from "./generated/prisma/client.ts";
import type { IdentityPrisma } from "./loaders.ts";

/** A public key as published in the JWKS (RFC 7517), with the fields the gateway relies on. */
export interface PublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
  kid: string;
  alg: "ES256";
  use: "sig";
}

export interface ActiveSigningKey {
  kid: string;
  privateKey: KeyObject;
}

const ENCRYPTION_FORMAT = "v1";

function encryptionKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "jingan-one-graph", "identity signing-key encryption", 32));
}

/** AES-256-GCM with the kid as associated data: a ciphertext moved to another row does not decrypt. */
export function encryptPrivateKey(pem: string, kid: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey(secret), iv);
  cipher.setAAD(Buffer.from(kid));
  const ciphertext = Buffer.concat([cipher.update(pem, "utf8"), cipher.final()]);
  return [ENCRYPTION_FORMAT, iv, cipher.getAuthTag(), ciphertext]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

export function decryptPrivateKey(encrypted: string, kid: string, secret: string): string {
  const [format, iv, tag, ciphertext] = encrypted.split(".");
  if (format !== ENCRYPTION_FORMAT || !iv || !tag || !ciphertext) {
    throw new Error(`Signing key ${kid} is not stored in a format this service reads (${format}).`);
  }
  const decipher = createDecipheriv("aes-256-gcm", encryptionKey(secret), Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(kid));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error(
      `Signing key ${kid} does not decrypt with the configured key-encryption secret ` +
        "(IDENTITY_KEY_ENCRYPTION_SECRET): restore the secret the key was stored with.",
    );
  }
}

/** RFC 7638 thumbprint: the same public key always gets the same kid. */
function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash("sha256").update(canonical).digest("base64url");
}

/** A fresh key pair as a row to insert (status ACTIVE). */
export function newSigningKey(secret: string, now: Date): Prisma.SigningKeyCreateInput & { kid: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  const kid = `es256-${thumbprint(jwk).slice(0, 22)}`;
  const publicJwk: PublicJwk = { kty: "EC", crv: "P-256", x: jwk.x!, y: jwk.y!, kid, alg: "ES256", use: "sig" };
  const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  return {
    kid,
    privateKeyEncrypted: encryptPrivateKey(pem, kid, secret),
    publicJwk: { ...publicJwk },
    status: "ACTIVE",
    createdAt: now,
    retiredAt: null,
  };
}

export interface SigningKeyStoreOptions {
  keyEncryptionSecret: string;
  accessTokenTtlSeconds: number;
}

export interface SigningKeyRotation {
  kid: string;
  retiredKid: string | null;
  activatedAt: Date;
}

export class SigningKeyStore {
  private readonly decrypted = new Map<string, KeyObject>();

  constructor(private readonly options: SigningKeyStoreOptions) {}

  /**
   * Creates the first key when there is none (seed). Replicas starting together race on the partial unique index
   * that allows one ACTIVE key; the loser finds the winner's key. Also proves the configured secret opens the active
   * key, so a wrong secret stops start-up instead of failing the first login.
   */
  async ensureActiveKey(prisma: IdentityPrisma, now: Date): Promise<string> {
    let active = await prisma.signingKey.findFirst({ where: { status: "ACTIVE" } });
    if (!active) {
      try {
        active = await prisma.signingKey.create({ data: newSigningKey(this.options.keyEncryptionSecret, now) });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        active = await prisma.signingKey.findFirstOrThrow({ where: { status: "ACTIVE" } });
      }
    }
    this.privateKeyOf(active);
    return active.kid;
  }

  /** The key new tokens are signed with. */
  async active(prisma: IdentityPrisma): Promise<ActiveSigningKey> {
    const row = await prisma.signingKey.findFirst({ where: { status: "ACTIVE" } });
    if (!row) throw new Error("No ACTIVE signing key exists; the seed creates one at start-up.");
    return { kid: row.kid, privateKey: this.privateKeyOf(row) };
  }

  /** The ACTIVE key and every RETIRED key that may still have signed an unexpired token. */
  async publishedKeys(prisma: IdentityPrisma, now: Date): Promise<PublicJwk[]> {
    const overlapStart = new Date(now.getTime() - this.options.accessTokenTtlSeconds * 1000);
    const rows = await prisma.signingKey.findMany({
      where: { OR: [{ status: "ACTIVE" }, { status: "RETIRED", retiredAt: { gt: overlapStart } }] },
      orderBy: [{ createdAt: "desc" }, { kid: "asc" }],
    });
    return rows.map((row) => row.publicJwk as unknown as PublicJwk);
  }

  /** Makes a new key ACTIVE and retires the current one, in one transaction. */
  async rotate(prisma: IdentityPrisma, now: Date): Promise<SigningKeyRotation> {
    const fresh = newSigningKey(this.options.keyEncryptionSecret, now);
    return prisma
      .$transaction(async (tx) => {
        const current = await tx.signingKey.findFirst({ where: { status: "ACTIVE" } });
        if (current) {
          // Conditional: of two simultaneous rotations only one retires the key; the other's insert then meets the
          // partial unique index and rolls back.
          const retired = await tx.signingKey.updateMany({
            where: { kid: current.kid, status: "ACTIVE" },
            data: { status: "RETIRED", retiredAt: now },
          });
          if (retired.count !== 1) throw rotatedConcurrently();
        }
        await tx.signingKey.create({ data: fresh });
        return { kid: fresh.kid, retiredKid: current?.kid ?? null, activatedAt: now };
      })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? rotatedConcurrently() : error;
      });
  }

  private privateKeyOf(row: SigningKey): KeyObject {
    let key = this.decrypted.get(row.kid);
    if (!key) {
      key = createPrivateKey(decryptPrivateKey(row.privateKeyEncrypted, row.kid, this.options.keyEncryptionSecret));
      this.decrypted.set(row.kid, key);
    }
    return key;
  }
}

function rotatedConcurrently() {
  return codedError(
    "INVALID_STATE_TRANSITION",
    "Another rotation of the signing key finished at the same time; read the JWKS and rotate again only if you still need a new key.",
  );
}
