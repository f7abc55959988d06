export const metadata = {
  title: 'Acme Storefront',
  description: 'Products and posts from the Acme team',
};

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>
        <header>
          <a href="/">Acme</a> · <a href="/posts">Posts</a>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
