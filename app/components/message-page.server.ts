/** A plain page for top-level routes outside the admin (no Polaris there): a title, a message, a link back. */
function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function messagePage(status: number, title: string, message: string, backUrl?: string): Response {
  const back = backUrl ? `<p><a href="${escape(backUrl)}">Back to the app's settings</a></p>` : "";
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:560px;margin:4rem auto;padding:0 1rem;color:#303030}
h1{font-size:1.4rem}a{color:#005bd3}</style></head>
<body><main><h1>${escape(title)}</h1><p>${escape(message)}</p>${back}</main></body></html>`;
  return new Response(html, { status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}
