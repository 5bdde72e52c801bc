import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTokenCipher, TokenDecryptionError } from "../app/freshbooks/token-crypto.server";

const OLD_KEY = randomBytes(32).toString("hex");
const NEW_KEY = randomBytes(32).toString("base64");
const TOKEN = "fb-access-token-7f3a9c2e";

describe("FreshBooks token encryption at rest", () => {
  it("round-trips a token without ever storing it in the clear", () => {
    const cipher = createTokenCipher(NEW_KEY);
    const stored = cipher.encrypt(TOKEN);
    expect(stored).not.toContain(TOKEN);
    expect(stored.startsWith("v1.")).toBe(true);
    expect(cipher.decrypt(stored)).toBe(TOKEN);
  });

  it("uses a fresh IV every time, so equal tokens do not look equal", () => {
    const cipher = createTokenCipher(NEW_KEY);
    expect(cipher.encrypt(TOKEN)).not.toBe(cipher.encrypt(TOKEN));
  });

  it("detects a ciphertext that was tampered with", () => {
    const cipher = createTokenCipher(NEW_KEY);
    const parts = cipher.encrypt(TOKEN).split(".");
    const body = Buffer.from(parts[4]!, "base64url");
    body[0] = body[0]! ^ 0xff;
    parts[4] = body.toString("base64url");
    expect(() => cipher.decrypt(parts.join("."))).toThrow(TokenDecryptionError);
  });

  it("rotates keys: values written with the previous key still decrypt and are marked stale", () => {
    const written = createTokenCipher(OLD_KEY).encrypt(TOKEN);
    const rotated = createTokenCipher(NEW_KEY, [OLD_KEY]);
    expect(rotated.decrypt(written)).toBe(TOKEN);
    expect(rotated.isStale(written)).toBe(true);
    expect(rotated.isStale(rotated.encrypt(TOKEN))).toBe(false);
  });

  it("refuses a value whose key is no longer configured", () => {
    const written = createTokenCipher(OLD_KEY).encrypt(TOKEN);
    expect(() => createTokenCipher(NEW_KEY).decrypt(written)).toThrow(/no longer configured/);
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => createTokenCipher("abcd")).toThrow(/32 bytes/);
  });
});
