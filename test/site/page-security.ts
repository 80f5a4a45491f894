// What every built page must hold to, checked on the HTML itself (no browser
// needed): the site's Content-Security-Policy, once, right after the charset;
// no script of any kind, no event-handler attributes, no frames, plugins,
// forms or <base>; and nothing loaded from elsewhere. Links to other sites
// (<a href>) are fine; a javascript: URL is not, anywhere.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseHTML } from 'linkedom';

const EXTERNAL = /^\s*(https?:|\/\/|\\\\)/i;
const SCRIPT_URL = /^\s*(javascript|vbscript):/i;
/** url(…) in CSS that leaves the site, and @import (the site's CSS never needs it). */
const CSS_EXTERNAL = /url\(\s*['"]?\s*(https?:|\/\/|javascript:)|@import/i;
const FORBIDDEN = ['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'form', 'portal'];
/** Attributes that load (or, with javascript:, run) something. `href` of <a>/<area> is a link; of anything else (link, SVG image, use) a load. */
const URL_ATTRIBUTES = ['src', 'srcset', 'href', 'xlink:href', 'poster', 'data', 'action', 'formaction', 'background', 'ping', 'manifest', 'imagesrcset'];

/** Problems of one page, in words; [] when it holds to the rules above. */
export function pageSecurityProblems(html: string, csp: string): string[] {
  const problems: string[] = [];
  const { document } = parseHTML(html);
  const head = document.querySelector('head');
  const policies = [...document.querySelectorAll('meta')].filter((m) => m.getAttribute('http-equiv')?.toLowerCase() === 'content-security-policy');
  if (policies.length !== 1) problems.push(`${policies.length} Content-Security-Policy <meta> elements (want 1)`);
  else {
    if (policies[0].getAttribute('content') !== csp) problems.push(`Content-Security-Policy is "${policies[0].getAttribute('content')}"`);
    const first = [...(head?.children ?? [])].slice(0, 2);
    if (!first[0]?.hasAttribute('charset') || first[1] !== policies[0])
      problems.push('the Content-Security-Policy <meta> is not right after <meta charset> at the top of <head>');
  }
  for (const tag of FORBIDDEN) {
    const found = document.querySelectorAll(tag).length;
    if (found) problems.push(`${found} <${tag}> element(s)`);
  }
  if ([...document.querySelectorAll('meta')].some((m) => m.getAttribute('http-equiv')?.toLowerCase() === 'refresh'))
    problems.push('a <meta http-equiv="refresh">');
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    for (const attr of [...el.attributes]) {
      const name = attr.name.toLowerCase();
      const value = attr.value;
      if (name.startsWith('on')) problems.push(`<${tag} ${name}="${value}">: event-handler attribute`);
      if (name === 'style' && CSS_EXTERNAL.test(value)) problems.push(`<${tag} style="${value}">: loads from elsewhere`);
      if (!URL_ATTRIBUTES.includes(name)) continue;
      const urls = name.endsWith('srcset') ? value.split(',').map((u) => u.trim().split(/\s+/)[0]) : [value];
      for (const u of urls) {
        if (SCRIPT_URL.test(u)) problems.push(`<${tag} ${name}="${value}">: script URL`);
        else if (EXTERNAL.test(u) && !((tag === 'a' || tag === 'area') && name === 'href')) problems.push(`<${tag} ${name}="${value}">: loads from elsewhere`);
      }
    }
  }
  for (const style of document.querySelectorAll('style')) {
    if (CSS_EXTERNAL.test(style.textContent ?? '')) problems.push(`<style> loads from elsewhere: ${(style.textContent ?? '').slice(0, 120)}`);
  }
  return problems;
}

/** Every built page (index.html) and stylesheet under `distDir`, site-relative with "/". */
export async function builtFiles(distDir: string): Promise<{ pages: string[]; stylesheets: string[] }> {
  const files = (await readdir(distDir, { recursive: true })).map((f) => f.split(path.sep).join('/'));
  return {
    pages: files.filter((f) => f === 'index.html' || f.endsWith('/index.html')).sort(),
    stylesheets: files.filter((f) => f.endsWith('.css')).sort(),
  };
}

/** Problems of every page and stylesheet of a built site, each prefixed with its file. */
export async function siteSecurityProblems(distDir: string, csp: string): Promise<string[]> {
  const { pages, stylesheets } = await builtFiles(distDir);
  const problems: string[] = [];
  if (pages.length === 0) problems.push(`no pages under ${distDir}`);
  for (const page of pages) {
    for (const p of pageSecurityProblems(await readFile(path.join(distDir, page), 'utf8'), csp)) problems.push(`${page}: ${p}`);
  }
  for (const css of stylesheets) {
    if (CSS_EXTERNAL.test(await readFile(path.join(distDir, css), 'utf8'))) problems.push(`${css}: loads from elsewhere`);
  }
  return problems;
}
