import { siteName } from '@/lib/site';

export default function Home() {
  return (
    <section>
      <h1>{siteName()}</h1>
      <p>Welcome to the storefront.</p>
      <img src="/logo.svg" alt="" width="64" height="64" />
    </section>
  );
}
