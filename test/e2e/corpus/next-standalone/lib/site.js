export function siteName() {
  return process.env.SITE_NAME || 'Acme Storefront';
}
