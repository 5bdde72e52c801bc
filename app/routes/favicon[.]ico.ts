/**
 * The app's icon, for browsers that ask for /favicon.ico (and the pages' <link rel="icon">): a
 * small SVG (a green invoice with a tick), served here so the request is answered, never a
 * 404 in the logs. Browsers go by the Content-Type, not the name.
 */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
  '<rect x="5" y="2" width="22" height="28" rx="3" fill="#008060"/>' +
  '<path d="M10 9h12M10 14h12M10 19h6" stroke="#fff" stroke-width="2" stroke-linecap="round"/>' +
  '<path d="M17 23l3 3 6-7" stroke="#fff" stroke-width="2.5" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>';

export const loader = () =>
  new Response(FAVICON_SVG, { headers: { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400" } });
