// Escaping for the few places that build HTML as strings (chart panels).
const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c]);
}

/**
 * A colour from an artifact (mask picture legends) as a CSS value that can go
 * into a style attribute: a hex colour, rgb()/hsl() with plain numbers, or a
 * named colour; anything else (e.g. "red;background:url(…)") becomes "transparent".
 */
export function cssColor(value: string): string {
  return /^(#[0-9a-f]{3,8}|(rgb|hsl)a?\([\d\s.,%/]+\)|[a-z]+)$/i.test(value.trim()) ? value.trim() : 'transparent';
}
