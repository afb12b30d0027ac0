'use server';

import { updateTag } from 'next/cache';

/** The page's Refresh button: read-your-own-writes, the next read on any instance is a miss. */
export async function refreshGreeting() {
  updateTag('greeting');
}
