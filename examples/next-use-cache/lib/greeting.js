import { randomUUID } from 'node:crypto';
import { cacheLife, cacheTag } from 'next/cache';

/**
 * The cached function: its result (the data, a random id of the run, the instance that ran it)
 * lives in memcached under the tag `greeting` for hours, whichever instance asks.
 */
export async function getGreeting() {
  'use cache';
  cacheTag('greeting');
  cacheLife('hours');
  const response = await fetch(process.env.GREETING_URL ?? 'http://127.0.0.1:3999/greeting');
  const { greeting } = await response.json();
  return { greeting, render: randomUUID(), instance: process.env.INSTANCE_NAME ?? 'unnamed' };
}
