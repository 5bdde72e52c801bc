import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTokenCipher, TokenDecryptionError } from "../app/freshbooks/token-crypto.server";
import { v1Ciphertext } from "./helpers/token-formats";

const OLD_KEY = randomBytes(32).toString("hex");
const NEW_KEY = randomBytes(32).toString("base64");
const TOKEN = "fb-access-token-7f3a9c2e";
const HERE = "freshbooks_connection|a.myshopify.com|access";

describe("FreshBooks token encryption at rest", () => {
  it("round-trips a token without ever storing it in the clear", () => {
    const cipher = createTokenCipher(NEW_KEY);
    const stored = cipher.encrypt(TOKEN, HERE);
    expect(stored).not.toContain(TOKEN);
    expect(stored.startsWith("v2.")).toBe(true);
    expect(cipher.decrypt(stored, HERE)).toBe(TOKEN);
  });

  it("uses a fresh IV every time, so equal tokens do not look equal", () => {
    const cipher = createTokenCipher(NEW_KEY);
    expect(cipher.encrypt(TOKEN, HERE)).not.toBe(cipher.encrypt(TOKEN, HERE));
  });

  it("detects a ciphertext that was tampered with", () => {
    const cipher = createTokenCipher(NEW_KEY);
    const parts = cipher.encrypt(TOKEN, HERE).split(".");
    const body = Buffer.from(parts[4]!, "base64url");
    body[0] = body[0]! ^ 0xff;
    parts[4] = body.toString("base64url");
    expect(() => cipher.decrypt(parts.join("."), HERE)).toThrow(TokenDecryptionError);
  });

  it("binds a value to its row and column: copied elsewhere, it does not decrypt", () => {
    const cipher = createTokenCipher(NEW_KEY);
    const stored = cipher.encrypt(TOKEN, HERE);
    expect(() => cipher.decrypt(stored, "freshbooks_connection|b.myshopify.com|access")).toThrow(TokenDecryptionError);
    expect(() => cipher.decrypt(stored, "freshbooks_connection|a.myshopify.com|refresh")).toThrow(TokenDecryptionError);
  });

  it("refuses a truncated authentication tag (authTagLength 16)", () => {
    const cipher = createTokenCipher(NEW_KEY);
    const parts = cipher.encrypt(TOKEN, HERE).split(".");
    parts[3] = Buffer.from(parts[3]!, "base64url").subarray(0, 4).toString("base64url");
    expect(() => cipher.decrypt(parts.join("."), HERE)).toThrow(/failed authentication/);
  });

  it("still reads values written in the v1 format, and marks them stale so they are rewritten", () => {
    const written = v1Ciphertext(OLD_KEY, TOKEN);
    const cipher = createTokenCipher(OLD_KEY);
    expect(cipher.decrypt(written, HERE)).toBe(TOKEN);
    expect(cipher.isStale(written)).toBe(true);
    expect(cipher.isStale(cipher.encrypt(TOKEN, HERE))).toBe(false);
    expect(cipher.isV1(written)).toBe(true);
    expect(cipher.isV1(cipher.encrypt(TOKEN, HERE))).toBe(false);
  });

  it("rotates keys: values written with the previous key still decrypt and are marked stale", () => {
    const written = createTokenCipher(OLD_KEY).encrypt(TOKEN, HERE);
    const rotated = createTokenCipher(NEW_KEY, [OLD_KEY]);
    expect(rotated.decrypt(written, HERE)).toBe(TOKEN);
    expect(rotated.isStale(written)).toBe(true);
    expect(rotated.isStale(rotated.encrypt(TOKEN, HERE))).toBe(false);
  });

  it("refuses a value whose key is no longer configured", () => {
    const written = createTokenCipher(OLD_KEY).encrypt(TOKEN, HERE);
    expect(() => createTokenCipher(NEW_KEY).decrypt(written, HERE)).toThrow(/no longer configured/);
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => createTokenCipher("abcd")).toThrow(/32 bytes/);
  });
});
