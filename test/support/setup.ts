import { stopLeftoverServers } from './process.js';

// After each test file: no server child process outlives the file that started it.
afterAll(stopLeftoverServers);
