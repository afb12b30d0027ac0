export default function Home() {
  return (
    <main>
      <h1>@mc/next example</h1>
      <p>
        <a href="/tagged">/tagged</a> is cached in memcached under the tag <code>greeting</code>; POST{' '}
        <code>/api/revalidate?tag=greeting</code> to any instance refreshes it on all of them.
      </p>
    </main>
  );
}
