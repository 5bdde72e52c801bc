/**
 * Classic Remix compiler (the product's design card). It bundles with esbuild, which npm
 * `overrides` lifts to 0.21.5 so that it parses the `import … with { type: "json" }` inside
 * @shopify/shopify-app-remix 6 (docs/decisions/0001-classic-compiler-esbuild.md).
 *
 * @type {import('@remix-run/dev').AppConfig}
 */
export default {
  appDirectory: "app",
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  serverModuleFormat: "esm",
  serverPlatform: "node",
  serverBuildPath: "build/server/index.js",
  assetsBuildDirectory: "build/client/assets",
  publicPath: "/assets/",
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    // Off: with lazy route discovery, a fetcher still discovering its route (the invoice preview's
    // /app/invoice-preview) when a revalidation starts (after Confirm on Settings) renders an
    // unrecoverable "404 Not Found" page (remix-run/remix#10263). The app has a dozen routes;
    // the whole manifest in the first page costs nothing.
    v3_lazyRouteDiscovery: false,
    // Off, as in Shopify's template: single fetch breaks the re-auth headers and redirects
    // of embedded apps (Shopify/shopify-app-template-remix#899, shopify-app-js#1976).
    v3_singleFetch: false,
  },
};
