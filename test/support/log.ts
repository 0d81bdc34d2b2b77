/** Reads the whole log over HTTP, page by page, as parsed NDJSON lines. */
export async function readLog(url: string, headers: Record<string, string> = {}): Promise<any[]> {
  const events: any[] = [];
  let after = 0;
  for (;;) {
    const text = await fetch(`${url}/v1/events?after=${after}&limit=10000`, { headers }).then((r) =>
      r.text(),
    );
    const page = text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l));
    if (page.length === 0) return events;
    events.push(...page);
    after = page[page.length - 1].position;
  }
}

/** Every entry of a timeline, following nextCursor. */
export async function fullTimeline(url: string, path: string): Promise<any[]> {
  const entries: any[] = [];
  let cursor: string | undefined;
  do {
    const query = `limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: any = await fetch(`${url}${path}?${query}`).then((r) => r.json());
    entries.push(...page.entries);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return entries;
}
