import { connection } from 'next/server';
import { Suspense } from 'react';
import { getGreeting } from '../../lib/greeting.js';
import { refreshGreeting } from './actions.js';

// The page's shell is static; the greeting is rendered per request (after `connection()`), and
// every request asks the 'use cache' handler for getGreeting's result.
export default function GreetingPage() {
  return (
    <main>
      <h1>Greeting</h1>
      <Suspense fallback={<p>loading</p>}>
        <Greeting />
      </Suspense>
      <form action={refreshGreeting}>
        <button type="submit">Refresh</button>
      </form>
    </main>
  );
}

async function Greeting() {
  await connection();
  const { greeting, render, instance } = await getGreeting();
  return (
    <>
      <p id="greeting">{greeting}</p>
      <p id="render">{render}</p>
      <p id="instance">{instance}</p>
      <p id="served-by">{process.env.INSTANCE_NAME ?? 'unnamed'}</p>
    </>
  );
}
