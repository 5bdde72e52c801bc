/**
 * The environment every test process runs with: fixed, fake credentials (nothing here reaches
 * a real service) and the embedded PostgreSQL on ports of its own, so tests never touch the
 * development database on 54329.
 */
export const TEST_SHOPIFY = {
  apiKey: "test-api-key",
  apiSecret: "test-api-secret-5f2c9a",
  appUrl: "http://localhost:3100",
} as const;

export const TEST_ENV = {
  NODE_ENV: "test",
  LOG_LEVEL: "silent",
  SHOPIFY_API_KEY: TEST_SHOPIFY.apiKey,
  SHOPIFY_API_SECRET: TEST_SHOPIFY.apiSecret,
  SHOPIFY_APP_URL: TEST_SHOPIFY.appUrl,
  SCOPES: "read_orders",
  FRESHBOOKS_CLIENT_ID: "test-freshbooks-client",
  FRESHBOOKS_CLIENT_SECRET: "test-freshbooks-secret",
  FRESHBOOKS_REDIRECT_URI: `${TEST_SHOPIFY.appUrl}/freshbooks/callback`,
  TOKEN_ENCRYPTION_KEY: "9c1f3b7e2a4d6c8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e",
} as const;
