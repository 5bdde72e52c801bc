import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { decodeKey } from "../env.server";

/**
 * Encryption at rest for FreshBooks tokens: AES-256-GCM, a fresh 96-bit IV per value, and the
 * key's id in the ciphertext so keys can rotate: encrypt with the current key, decrypt with
 * whichever key (current or previous) wrote the value.
 *
 * Format v2: `v2.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts; keyId = first 8 bytes of
 * SHA-256 of the key, which identifies the key without revealing it), authenticated together
 * with a context string naming the value's place (shop and column) as additional data: a
 * ciphertext copied into another row, or from the refresh column into the access column, does
 * not decrypt. Format v1 (no context) is still read, and counts as stale so it gets rewritten,
 * until `npm run tokens:reencrypt` has rewritten every row: from then on the vault refuses it
 * (token-vault.server.ts, docs/decisions/0005).
 */
export interface TokenCipher {
  encrypt(plaintext: string, context: string): string;
  /** `context` must be the one the value was encrypted with (v1 values ignore it). */
  decrypt(ciphertext: string, context: string): string;
  /** True when the value was written with a previous key or format and should be re-encrypted. */
  isStale(ciphertext: string): boolean;
  /** True for the v1 format, whose values are not bound to their row (refused once retired). */
  isV1(ciphertext: string): boolean;
}

const GCM_TAG_BYTES = 16;

function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest().subarray(0, 8).toString("base64url");
}

export class TokenDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenDecryptionError";
  }
}

export function createTokenCipher(currentKey: string, previousKeys: string[] = []): TokenCipher {
  const decode = (value: string) => {
    const key = decodeKey(value);
    if (!key) throw new Error("encryption keys must be 32 bytes (64 hex characters or base64)");
    return key;
  };
  const current = decode(currentKey);
  const currentId = keyId(current);
  const keys = new Map<string, Buffer>([[currentId, current]]);
  for (const previous of previousKeys) {
    const key = decode(previous);
    keys.set(keyId(key), key);
  }

  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", current, iv, { authTagLength: GCM_TAG_BYTES });
      cipher.setAAD(Buffer.from(context, "utf8"));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return ["v2", currentId, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
    },
    decrypt(ciphertext, context) {
      const [version, id, iv, tag, body, ...rest] = ciphertext.split(".");
      if ((version !== "v1" && version !== "v2") || !id || !iv || !tag || body === undefined || rest.length > 0) {
        throw new TokenDecryptionError("not an encrypted token");
      }
      const key = keys.get(id);
      if (!key) throw new TokenDecryptionError("token was encrypted with a key that is no longer configured");
      const authTag = Buffer.from(tag, "base64url");
      // An explicit tag length: without it a truncated (forgeable) tag would be accepted.
      if (authTag.length !== GCM_TAG_BYTES) throw new TokenDecryptionError("token ciphertext failed authentication");
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: GCM_TAG_BYTES });
        if (version === "v2") decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(authTag);
        return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
      } catch {
        throw new TokenDecryptionError("token ciphertext failed authentication");
      }
    },
    isStale(ciphertext) {
      const [version, id] = ciphertext.split(".");
      return version !== "v2" || id !== currentId;
    },
    isV1(ciphertext) {
      return ciphertext.startsWith("v1.");
    },
  };
}
