/**
 * The HTML page of a webview, built as a pure function so the host panel and the Chromium tests
 * produce the same page under the same Content-Security-Policy.
 */

export interface WebviewHtmlOptions {
  /** `webview.cspSource` (or the test server's origin): where scripts, styles and fonts may come from. */
  cspSource: string;
  /** A fresh random nonce per render; see `makeNonce`. */
  nonce: string;
  /** URI of the bundled script (`asWebviewUri`). */
  scriptUri: string;
  /** URIs of the stylesheets, in cascade order. */
  styleUris: string[];
  title: string;
  bodyClass?: string;
}

const ATTRIBUTE_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
};

/** Escapes text for a double-quoted attribute value (all attributes here are) or element content. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"]/g, (ch) => ATTRIBUTE_ESCAPES[ch] ?? ch);
}

/** A nonce may only hold base64 characters; anything else would let a caller widen the policy. */
function assertNonce(nonce: string): void {
  if (!/^[A-Za-z0-9+/_-]{16,}={0,2}$/.test(nonce)) {
    throw new Error('webviewHtml: the nonce must be at least 16 base64 characters');
  }
}

/** The strict policy: nothing by default, scripts only with the nonce, no inline styles. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  // The source comes from VS Code, but a stray `;` would start a new directive: refuse it.
  const source = cspSource.replace(/[;,\s]+/g, ' ').trim();
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${source} 'nonce-${nonce}'`,
    `img-src ${source} data:`,
    `font-src ${source}`,
    "connect-src 'none'",
  ].join('; ');
}

export function renderWebviewHtml(options: WebviewHtmlOptions): string {
  assertNonce(options.nonce);
  const csp = contentSecurityPolicy(options.cspSource, options.nonce);
  const styles = options.styleUris
    .map((uri) => `    <link rel="stylesheet" href="${escapeHtml(uri)}" nonce="${escapeHtml(options.nonce)}">`)
    .join('\n');
  const bodyClass = options.bodyClass ? ` class="${escapeHtml(options.bodyClass)}"` : '';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '  <head>',
    '    <meta charset="UTF-8">',
    `    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '    <meta name="viewport" content="width=device-width, initial-scale=1.0">',
    styles,
    `    <title>${escapeHtml(options.title)}</title>`,
    '  </head>',
    `  <body${bodyClass}>`,
    '    <div id="app"></div>',
    `    <script nonce="${escapeHtml(options.nonce)}" defer src="${escapeHtml(options.scriptUri)}"></script>`,
    '  </body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * A CSP nonce from a cryptographic source (`crypto.randomBytes` on the host). Hex keeps it
 * within the base64 alphabet and safe in attributes; 16 bytes or more.
 */
export function makeNonce(randomBytes: (n: number) => Uint8Array, byteLength = 18): string {
  const bytes = randomBytes(Math.max(16, byteLength));
  let out = '';
  for (const byte of bytes) {
    out += byte.toString(16).padStart(2, '0');
  }
  return out;
}
