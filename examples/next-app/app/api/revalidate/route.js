import { revalidateTag } from 'next/cache';

// POST /api/revalidate?tag=greeting: the tagged entries expire at once, so the next request on
// any instance renders afresh. With &profile=max they are served stale once, on any instance,
// while they regenerate in the background.
export async function POST(request) {
  const parameters = new URL(request.url).searchParams;
  const tag = parameters.get('tag');
  if (!tag) return Response.json({ error: 'tag is required' }, { status: 400 });
  revalidateTag(tag, parameters.get('profile') === 'max' ? 'max' : { expire: 0 });
  return Response.json({ revalidated: tag, at: Date.now() });
}
