import 'reflect-metadata';
import type { Provider } from '@nestjs/common';
import { AppModule } from '../../src/app.module.js';
import { loadConfig } from '../../src/config/config.js';
import { PROJECTIONS } from '../../src/projections/projection.js';
import { READ_MODELS } from '../../src/read-models.js';

describe('the views the service keeps', () => {
  // The offline CLI rebuild and the bench's rebuild child build READ_MODELS without loading the
  // HTTP app: they measure and rebuild what the service serves only while the app registers it.
  it('are READ_MODELS, the list the CLI and the rebuild bench build', () => {
    const config = loadConfig({ DATELINE_READ_STORE: ':memory:', DATELINE_DEMO_DATA: 'false' });
    const providers: Provider[] = AppModule.forRoot(config).providers ?? [];
    const registered = providers.filter(
      (p) => typeof p === 'object' && 'provide' in p && p.provide === PROJECTIONS,
    );
    expect(registered).toHaveLength(1);
    expect(registered[0]).toHaveProperty('useValue', READ_MODELS);
  });
});
