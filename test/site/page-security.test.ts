// The page checker that the site build test applies to every built page
// (page-security.ts) catches what it is meant to, on hand-written pages; and
// the colour filter that keeps artifact colours out of style attributes.
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY as CSP } from '../../src/lib/csp.ts';
import { cssColor } from '../../src/lib/html.ts';
import { pageSecurityProblems } from './page-security.ts';

const head = (extra = '') => `<head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}">${extra}<title>t</title></head>`;
const page = (body: string, extra = '') => `<!DOCTYPE html><html lang="en">${head(extra)}<body>${body}</body></html>`;

describe('page security check', () => {
  it('passes a page with the policy, local loads, inline styles and links to other sites', () => {
    expect(
      pageSecurityProblems(
        page(
          '<a href="https://arxiv.org/abs/2010.02066">paper</a><img src="/results/a.png" style="width:3px"><svg><style>.x{fill:red}</style></svg>',
          '<link rel="icon" href="data:,"><link rel="stylesheet" href="/_astro/a.css">',
        ),
        CSP,
      ),
    ).toEqual([]);
  });

  it.each([
    ['no policy', '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>', /0 Content-Security-Policy/],
    ['another policy', page('').replace(CSP, 'default-src *'), /Content-Security-Policy is "default-src \*"/],
    [
      'the policy after a stylesheet',
      `<html><head><meta charset="utf-8"><link rel="stylesheet" href="/a.css"><meta http-equiv="Content-Security-Policy" content="${CSP}"></head></html>`,
      /not right after <meta charset>/,
    ],
    ['an inline script', page('<script>alert(1)</script>'), /1 <script> element/],
    ['a script file', page('', '<script src="/a.js"></script>'), /1 <script> element/],
    ['a script inside SVG', page('<svg><script>alert(1)</script></svg>'), /1 <script> element/],
    ['an event handler', page('<img src="/a.png" onerror="alert(1)">'), /onerror.*event-handler/],
    ['a frame', page('<iframe src="/x"></iframe>'), /1 <iframe> element/],
    ['an external image', page('<img src="https://evil.example/a.png">'), /loads from elsewhere/],
    ['a protocol-relative stylesheet', page('', '<link rel="stylesheet" href="//evil.example/a.css">'), /loads from elsewhere/],
    ['an external SVG image', page('<svg><image href="http://evil.example/a.png"/></svg>'), /loads from elsewhere/],
    ['an external srcset', page('<img src="/a.png" srcset="/a.png 1x, https://evil.example/b.png 2x">'), /loads from elsewhere/],
    [
      'CSS loading from elsewhere in a style attribute',
      page('<span style="background:url(https://evil.example/a.png)"></span>'),
      /style=.*loads from elsewhere/,
    ],
    ['CSS @import in a <style>', page('<style>@import "/x.css";</style>'), /<style> loads from elsewhere/],
    ['a javascript: link', page('<a href="javascript:alert(1)">x</a>'), /script URL/],
  ])('flags %s', (_, html, problem) => {
    expect(pageSecurityProblems(html, CSP).join('\n')).toMatch(problem);
  });
});

describe('cssColor (legend swatches in style attributes)', () => {
  it.each(['#4269d0', '#fff', 'rgb(66, 105, 208)', 'hsla(10, 50%, 40%, 0.5)', 'white'])('keeps %s', (c) => expect(cssColor(c)).toBe(c));
  it.each(['red;background-image:url(https://evil.example/a.png)', 'url(x)', 'expression(alert(1))', '#fff" onload="x'])('drops %s', (c) =>
    expect(cssColor(c)).toBe('transparent'),
  );
});
