import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * Boundaries (docs/decisions/0018): which folder may import which, as regexes over relative
 * import paths (packages such as "@remix-run/dev" are never relative). ESLint keeps only the last
 * matching config's options for a rule, so each group of files below gets its whole list.
 */
const FORBIDDEN = {
  dev: {
    regex: "^\\.{1,2}/(.+/)?dev/",
    message: "Production code never imports app/dev/ (sandboxes, demo): it is not part of the product.",
  },
  tests: { regex: "^\\.{1,2}/(.+/)?tests/", message: "Nothing outside tests/ imports tests/." },
  bench: { regex: "^\\.{1,2}/(.+/)?bench/", message: "The app never imports bench/." },
  benchInternals: {
    regex: "^\\.{1,2}/(\\.\\./)*bench/(?!index(\\.ts)?$)",
    message: "Outside bench/, import the bench only through its public entry point bench/index.ts.",
  },
  jobsInternals: {
    regex: "^\\.{1,2}/(.+/)?jobs/(?!(catalog|enqueue\\.server)$)",
    message:
      "models/ and sync/ use only the queue's leaves (jobs/catalog, jobs/enqueue.server): the worker and its tasks import them, not the reverse (no jobs↔models/sync cycle).",
  },
  outsideFolder: {
    regex: "^\\.\\./",
    message:
      "jobs/catalog.ts and jobs/enqueue.server.ts are leaves: they import nothing from the app, so anything may import them without a cycle.",
  },
  outsideSandbox: {
    regex: "^\\.\\./\\.\\./(?!data/[^/]+\\.json$)",
    message: "The FreshBooks sandbox shares no code with the app it checks (only the data files of app/data/).",
  },
};
const boundary = (files, forbidden, ignores = []) => ({
  files,
  ignores,
  rules: { "no-restricted-imports": ["error", { patterns: forbidden.map((rule) => ({ ...rule })) }] },
});
const QUEUE_LEAVES = ["app/jobs/catalog.ts", "app/jobs/enqueue.server.ts"];

export default tseslint.config(
  {
    ignores: ["build/**", "node_modules/**", ".data/**", "test-results/**", "test-reports/**", "playwright-report/**", "bench/results/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["warn", "error"] }],
    },
  },
  {
    files: [".ci/**"],
    rules: { "no-console": "off" },
  },
  {
    files: ["tests/**"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
  boundary(["app/**"], [FORBIDDEN.dev, FORBIDDEN.tests, FORBIDDEN.bench], ["app/dev/**", "app/models/**", "app/sync/**", ...QUEUE_LEAVES]),
  boundary(["app/models/**", "app/sync/**"], [FORBIDDEN.dev, FORBIDDEN.tests, FORBIDDEN.bench, FORBIDDEN.jobsInternals]),
  boundary(QUEUE_LEAVES, [FORBIDDEN.dev, FORBIDDEN.tests, FORBIDDEN.bench, FORBIDDEN.outsideFolder]),
  boundary(["app/dev/**"], [FORBIDDEN.tests, FORBIDDEN.bench], ["app/dev/freshbooks-sandbox/**"]),
  boundary(["app/dev/freshbooks-sandbox/**"], [FORBIDDEN.tests, FORBIDDEN.bench, FORBIDDEN.outsideSandbox]),
  boundary(["bench/**"], [FORBIDDEN.tests]),
  boundary(["tests/**", "extensions/**"], [FORBIDDEN.benchInternals]),
);
