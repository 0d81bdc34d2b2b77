import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KURRENTDB_IMAGE } from '../support/kurrentdb-image.js';

describe('the KurrentDB version is pinned', () => {
  it('docker-compose.yml runs the version the tests use, never latest', () => {
    const compose = readFileSync(fileURLToPath(new URL('../../docker-compose.yml', import.meta.url)), 'utf8');
    const [repository, tag] = KURRENTDB_IMAGE.split(':');
    expect(tag).toMatch(/^\d+\.\d+\.\d+$/);
    expect(compose).toContain(`image: ${repository}:\${KURRENTDB_VERSION:-${tag}}`);
    expect(compose).not.toMatch(/kurrentdb:(\$\{KURRENTDB_VERSION:-)?latest/);
  });

  it('the nodes are healthy only once a leader is elected, and Dateline waits for that', () => {
    const compose = readFileSync(fileURLToPath(new URL('../../docker-compose.yml', import.meta.url)), 'utf8');
    expect(compose).toMatch(/\/gossip.*"state":"Leader","isAlive":true/);
    expect(compose).toMatch(/health\/ready/);
    expect(compose.match(/condition: service_healthy/g)).toHaveLength(3);
  });
});
