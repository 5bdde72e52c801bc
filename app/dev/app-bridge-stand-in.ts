/**
 * A stand-in for Shopify's App Bridge script (cdn.shopify.com/shopifycloud/app-bridge.js),
 * which cannot be loaded outside the Shopify admin (or offline). It defines the `shopify`
 * global with what our pages use: `idToken()` (a session token minted by the host process),
 * `toast.show()` (recorded in `window.__appBridgeToasts` and shown as a small overlay), and,
 * like the real script, a `fetch` that adds `Authorization: Bearer <token>` to same-origin
 * requests so Remix data requests authenticate. Like the admin, it draws the page's title bar
 * (`<ui-title-bar>`: title, breadcrumb, buttons) and the contextual save bar (`<ui-save-bar>`,
 * shown by its show()/hide() like the real element) outside the page's own content.
 *
 * Used by the Playwright tests and by the offline demo; never served in production.
 */
export interface StandInOptions {
  apiKey: string;
  shop: string;
  /** A valid session token, or a same-origin URL that answers with a fresh one as text. */
  token: { value: string } | { url: string };
  /**
   * The app's access scopes. `request()` grants the asked ones at `grantUrl` (the Shopify Admin
   * sandbox's /__sandbox/scopes), as a merchant approving the permission modal would; a test can
   * make the merchant decline with `window.__appBridgeScopeAnswer = "declined-all"`. Without a
   * grantUrl every request is declined.
   */
  scopes?: { granted: string[]; optional: string[]; grantUrl?: string };
}

export function appBridgeStandIn(options: StandInOptions): string {
  const config = JSON.stringify({ apiKey: options.apiKey, shop: options.shop });
  const token = JSON.stringify(options.token);
  const scopes = JSON.stringify(options.scopes ?? { granted: ["read_orders"], optional: [] });
  return `(() => {
  const config = ${config};
  const tokenSource = ${token};
  const scopeState = ${scopes};
  const scopeDetail = () => ({ granted: [...scopeState.granted], required: ["read_orders"], optional: [...scopeState.optional] });
  async function requestScopes(list) {
    const declined = window.__appBridgeScopeAnswer === "declined-all" || !scopeState.grantUrl;
    if (declined) return { result: "declined-all", detail: scopeDetail() };
    const response = await nativeFetch(scopeState.grantUrl, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ shop: config.shop, grant: list }),
    });
    if (!response.ok) throw new Error("the permission request failed (" + response.status + ")");
    scopeState.granted = (await response.json()).scopes;
    return { result: "granted-all", detail: scopeDetail() };
  }
  const nativeFetch = window.fetch.bind(window);
  const toasts = [];
  window.__appBridgeToasts = toasts;
  async function idToken() {
    if ("value" in tokenSource) return tokenSource.value;
    const response = await nativeFetch(tokenSource.url, { credentials: "same-origin" });
    return response.text();
  }
  function showToast(message, options) {
    toasts.push({ message, isError: Boolean(options && options.isError) });
    const el = document.createElement("div");
    el.setAttribute("role", "status");
    el.dataset.appBridgeToast = "";
    el.textContent = message;
    el.style.cssText = "position:fixed;bottom:24px;left:50%;transform:translateX(-50%);background:" +
      (options && options.isError ? "#8e1f0b" : "#303030") + ";color:#fff;padding:8px 16px;border-radius:8px;z-index:99999;font:14px system-ui";
    document.body.appendChild(el);
    setTimeout(() => el.remove(), (options && options.duration) || 5000);
  }
  window.fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url, location.href);
    if (url.origin !== location.origin || request.headers.has("Authorization")) return nativeFetch(request);
    const headers = new Headers(request.headers);
    headers.set("Authorization", "Bearer " + (await idToken()));
    return nativeFetch(new Request(request, { headers }));
  };
  // The admin draws the app's navigation outside the iframe; draw it as a bar here.
  const style = document.createElement("style");
  style.textContent = "ui-nav-menu{display:flex;gap:20px;padding:12px 24px;background:#1a1a1a}" +
    "ui-nav-menu a{color:#e3e3e3;text-decoration:none;font:600 13px system-ui}ui-nav-menu a:hover{color:#fff}" +
    "ui-title-bar{display:block;margin:0 0 16px}" +
    // Polaris' Page has no side padding under its sm breakpoint (490 px): the title keeps the cards' inset.
    "@media (max-width:489.98px){ui-title-bar{padding:16px 16px 0}ui-nav-menu{padding:12px 16px}}";
  document.head.appendChild(style);

  // The admin draws the page's <ui-title-bar> above the iframe: its title (the page's one
  // visible heading), a breadcrumb and its buttons. Drawn here in the element's shadow root
  // (outside what React hydrates), with controls that click the app's own elements, so the
  // app's handlers run as they would in the admin.
  const BAR_STYLE = ":host{display:block}header{display:flex;align-items:center;gap:12px;padding:4px 0;font:14px system-ui}" +
    "h1{margin:0;font:650 20px system-ui;color:#303030;flex:1}a{color:#005bd3;text-decoration:none}" +
    "button{font:600 13px system-ui;padding:6px 12px;border-radius:8px;border:1px solid #c9c9c9;background:#fff;cursor:pointer}" +
    "button[data-variant=primary]{background:#303030;color:#fff;border-color:#303030}button:disabled{opacity:.5;cursor:default}";
  const drawn = new WeakMap();
  function drawTitleBar(source) {
    const controls = Array.from(source.children).filter((el) => el.tagName === "BUTTON" || el.tagName === "A");
    const signature = JSON.stringify([source.getAttribute("title"), controls.map((el) => [el.tagName, el.textContent, el.getAttribute("variant"), el.hasAttribute("disabled"), el.getAttribute("href")])]);
    if (drawn.get(source) === signature) return;
    drawn.set(source, signature);
    const root = source.shadowRoot || source.attachShadow({ mode: "open" });
    const css = document.createElement("style");
    css.textContent = BAR_STYLE;
    const bar = document.createElement("header");
    for (const el of controls.filter((c) => c.getAttribute("variant") === "breadcrumb")) {
      const link = document.createElement("a");
      link.href = el.getAttribute("href") || "#";
      link.textContent = el.textContent;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        if (el.tagName === "A") el.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
        else el.click();
      });
      bar.append(link, document.createTextNode("›"));
    }
    const heading = document.createElement("h1");
    heading.textContent = source.getAttribute("title") || "";
    bar.append(heading);
    for (const el of controls.filter((c) => c.getAttribute("variant") !== "breadcrumb")) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = el.textContent;
      button.dataset.variant = el.getAttribute("variant") || "";
      button.disabled = el.hasAttribute("disabled");
      button.addEventListener("click", () => el.click());
      bar.append(button);
    }
    root.replaceChildren(css, bar);
  }
  // <ui-save-bar>: while shown, a bar over the top of the page ("Unsaved changes", Discard,
  // Save) whose buttons click the app's own; hidden, nothing. Its children are never drawn.
  const SAVE_BAR_STYLE = "section{position:fixed;top:0;left:0;right:0;z-index:99998;display:flex;align-items:center;gap:8px;" +
    "padding:10px 24px;background:#1a1a1a;color:#e3e3e3;font:600 14px system-ui}span{flex:1}" +
    "button{font:600 13px system-ui;padding:6px 12px;border-radius:8px;border:1px solid #616161;background:#303030;color:#fff;cursor:pointer}" +
    "button[data-variant=primary]{background:#fff;color:#303030}button:disabled{opacity:.5;cursor:default}";
  function drawSaveBar(source) {
    const root = source.shadowRoot || source.attachShadow({ mode: "open" });
    const controls = Array.from(source.querySelectorAll("button"));
    const signature = JSON.stringify([source.__open, controls.map((el) => [el.textContent, el.getAttribute("variant"), el.hasAttribute("disabled"), el.hasAttribute("loading")])]);
    if (drawn.get(source) === signature) return;
    drawn.set(source, signature);
    if (!source.__open) return root.replaceChildren();
    const css = document.createElement("style");
    css.textContent = SAVE_BAR_STYLE;
    const bar = document.createElement("section");
    bar.setAttribute("aria-label", "Unsaved changes");
    const title = document.createElement("span");
    title.textContent = "Unsaved changes";
    bar.append(title);
    const primary = (el) => el.getAttribute("variant") === "primary";
    for (const el of [...controls.filter((el) => !primary(el)), ...controls.filter(primary)]) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = el.textContent;
      button.dataset.variant = el.getAttribute("variant") || "";
      button.disabled = el.hasAttribute("disabled") || el.hasAttribute("loading");
      button.addEventListener("click", () => el.click());
      bar.append(button);
    }
    root.replaceChildren(css, bar);
  }
  if (!customElements.get("ui-save-bar")) {
    customElements.define("ui-save-bar", class extends HTMLElement {
      get showing() { return Boolean(this.__open); }
      async show() { this.__open = true; drawSaveBar(this); this.dispatchEvent(new Event("show")); }
      async hide() { if (!this.__open) return; this.__open = false; drawSaveBar(this); this.dispatchEvent(new Event("hide")); }
      async toggle() { return this.__open ? this.hide() : this.show(); }
    });
  }
  const drawAll = () => {
    document.querySelectorAll("ui-title-bar").forEach((el) => el.closest("ui-modal") || drawTitleBar(el));
    document.querySelectorAll("ui-save-bar").forEach(drawSaveBar);
  };
  new MutationObserver(drawAll).observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
  drawAll();
  const noop = () => {};
  window.shopify = {
    config,
    origin: location.origin,
    ready: Promise.resolve(),
    idToken,
    toast: { show: showToast, hide: noop },
    loading: noop,
    modal: { show: async () => undefined, hide: async () => undefined, toggle: async () => undefined },
    saveBar: {
      show: async (id) => document.getElementById(id)?.show(),
      hide: async (id) => document.getElementById(id)?.hide(),
      toggle: async (id) => document.getElementById(id)?.toggle(),
      leaveConfirmation: async () => undefined,
    },
    environment: { embedded: true, mobile: false, pos: false },
    user: async () => ({}),
    scopes: { query: async () => scopeDetail(), request: requestScopes, revoke: async () => ({ detail: scopeDetail() }) },
  };
})();
`;
}
