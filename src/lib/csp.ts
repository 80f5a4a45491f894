// The Content-Security-Policy of every page, set by a <meta> at the top of the
// Base layout's head (before anything that loads). The site ships no
// JavaScript and loads nothing from elsewhere, so the policy allows only:
//   - images from the site itself (the mask pictures) and data: URLs (the empty favicon);
//   - styles from the site itself (Astro's stylesheet) and inline ones: the
//     charts are SVG from Observable Plot, with <style> elements and style
//     attributes, and the mask pictures are sized by style attributes.
// Everything else (scripts, frames, fonts, fetches, media, plugins) falls
// under default-src 'none'. A <meta> cannot set frame-ancestors; that needs a
// response header from the server.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
