import { randomUUID } from 'node:crypto';

// An ISR page: kept for an hour unless its tag is revalidated. Its data comes from a fetch
// tagged `greeting`, so the page carries that tag too.
export const revalidate = 3600;

export default async function Tagged() {
  const response = await fetch(process.env.GREETING_URL ?? 'http://127.0.0.1:3999/greeting', {
    next: { tags: ['greeting'] },
  });
  const { greeting } = await response.json();
  return (
    <main>
      <p id="greeting">{greeting}</p>
      <p id="render">{randomUUID()}</p>
      <p id="instance">{process.env.INSTANCE_NAME ?? 'unnamed'}</p>
    </main>
  );
}
