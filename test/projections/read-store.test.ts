import { join } from 'node:path';
import Database from 'better-sqlite3';
import { READ_STORE_PAGE_SIZE, ReadStore } from '../../src/projections/read-store.js';
import { tempDir } from '../support/app.js';

describe('ReadStore', () => {
  let dir: ReturnType<typeof tempDir>;

  beforeEach(() => {
    dir = tempDir();
  });

  afterEach(() => {
    dir.remove();
  });

  it('creates a new read store with large pages, in WAL mode', () => {
    const store = new ReadStore(join(dir.dir, 'read.db'));
    store.db.exec('CREATE TABLE t (x INTEGER)');
    expect(store.db.pragma('page_size', { simple: true })).toBe(READ_STORE_PAGE_SIZE);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    store.close();
  });

  it('opens an existing read store with the page size it was created with', () => {
    const path = join(dir.dir, 'old.db');
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)');
    old.close();
    const store = new ReadStore(path);
    expect(store.db.pragma('page_size', { simple: true })).toBe(4096);
    expect(store.db.prepare('SELECT x FROM t').pluck().get()).toBe(1);
    store.close();
  });
});
