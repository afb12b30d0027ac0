import { revalidateTag } from 'next/cache';

// `{ expire: 0 }`: the tagged entries expire at once, so the next request on any instance
// renders afresh. `'max'` would serve them stale once while they regenerate in the background.
export async function POST(request) {
  const tag = new URL(request.url).searchParams.get('tag');
  if (!tag) return Response.json({ error: 'tag is required' }, { status: 400 });
  revalidateTag(tag, { expire: 0 });
  return Response.json({ revalidated: tag, at: Date.now() });
}
