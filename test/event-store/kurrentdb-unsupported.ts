/**
 * Contract cases the KurrentDB adapter cannot honour, with the reason (docs/kurrentdb.md lists them
 * too). Checked against the server's commit check (IndexWriter.CheckCommit, KurrentDB 24.10–26.1).
 * Reported as skipped, never as passed, wherever the contract runs against KurrentDB.
 */
export const KURRENTDB_UNSUPPORTED: Readonly<Record<string, string>> = {
  'a retried append with any or stream_exists returns the first answer':
    'KurrentDB recognises a retry with any / stream_exists only from a bounded in-memory cache of recent writes, emptied by a restart or a leader change',
  'an append whose later event reuses an id writes none of its events':
    'KurrentDB does not look at event ids when an append lands at the end of a stream or creates it, so an id already stored is written again',
  'refuses an event id reused in another stream':
    'KurrentDB checks event ids per stream, to recognise retries, not across streams',
};
