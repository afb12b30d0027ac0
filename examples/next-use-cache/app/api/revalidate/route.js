import { revalidatePath, revalidateTag } from 'next/cache';

// POST /api/revalidate?tag=greeting: the tagged 'use cache' entries expire at once, so the next
// request on any instance runs the function afresh; with &profile=max they are served stale
// once, on any instance, while they regenerate in the background.
// POST /api/revalidate?path=/greeting does the same through the page's path tags.
export async function POST(request) {
  const parameters = new URL(request.url).searchParams;
  const tag = parameters.get('tag');
  const path = parameters.get('path');
  if (path) revalidatePath(path);
  else if (tag) revalidateTag(tag, parameters.get('profile') === 'max' ? 'max' : { expire: 0 });
  else return Response.json({ error: 'tag or path is required' }, { status: 400 });
  return Response.json({ revalidated: tag ?? path });
}
