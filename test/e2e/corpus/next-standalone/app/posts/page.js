export const dynamic = 'force-dynamic';

const POSTS = [
  { id: 1, title: 'Spring collection' },
  { id: 2, title: 'Shipping updates' },
];

export default function Posts() {
  return (
    <ul>
      {POSTS.map((p) => (
        <li key={p.id}>{p.title}</li>
      ))}
    </ul>
  );
}
