import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { decodeKey } from "../env.server";

/**
 * Encryption at rest for FreshBooks tokens: AES-256-GCM, a fresh 96-bit IV per value, and the
 * key's id in the ciphertext so keys can rotate: encrypt with the current key, decrypt with
 * whichever key (current or previous) wrote the value.
 *
 * Format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts; keyId = first 8 bytes of
 * SHA-256 of the key, which identifies the key without revealing it).
 */
export interface TokenCipher {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
  /** True when the value was written with a previous key and should be re-encrypted. */
  isStale(ciphertext: string): boolean;
}

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
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", current, iv);
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return ["v1", currentId, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
    },
    decrypt(ciphertext) {
      const [version, id, iv, tag, body] = ciphertext.split(".");
      if (version !== "v1" || !id || !iv || !tag || body === undefined) {
        throw new TokenDecryptionError("not an encrypted token");
      }
      const key = keys.get(id);
      if (!key) throw new TokenDecryptionError("token was encrypted with a key that is no longer configured");
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
      } catch {
        throw new TokenDecryptionError("token ciphertext failed authentication");
      }
    },
    isStale(ciphertext) {
      return ciphertext.split(".")[1] !== currentId;
    },
  };
}
