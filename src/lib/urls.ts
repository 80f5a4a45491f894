// Every internal link goes through here so the site works under any SITE_BASE.
// BASE_URL is "/" or the configured base, with or without a trailing slash.
export function siteUrl(path = ''): string {
  const base = import.meta.env.BASE_URL.replace(/\/+$/, '');
  return `${base}/${path.replace(/^\/+/, '')}`;
}
