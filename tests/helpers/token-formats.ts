import { createCipheriv, createHash, randomBytes } from "node:crypto";

/**
 * A token as rows stored it before ciphertexts were bound to their row and column:
 * `v1.<keyId>.<iv>.<tag>.<ciphertext>`, AES-256-GCM with no AAD. The app reads it but never writes it.
 */
export function v1Ciphertext(hexKey: string, plaintext: string): string {
  const key = Buffer.from(hexKey, "hex");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const id = createHash("sha256").update(key).digest().subarray(0, 8).toString("base64url");
  return ["v1", id, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}
