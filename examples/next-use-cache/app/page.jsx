export default function Home() {
  return (
    <main>
      <h1>@mc/next &apos;use cache&apos; example</h1>
      <p>
        <a href="/greeting">/greeting</a> shows a <code>&apos;use cache&apos;</code> result kept in memcached
        under the tag <code>greeting</code>; POST <code>/api/revalidate?tag=greeting</code> to any instance
        refreshes it on all of them.
      </p>
    </main>
  );
}
