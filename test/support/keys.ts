/** The admin key every test app and server gets unless a test sets DATELINE_API_KEYS itself. */
export const TEST_KEY = 'test-admin-key-0123456789';
export const TEST_KEYS = `admin:${TEST_KEY}`;
export const AUTH = { authorization: `Bearer ${TEST_KEY}` };
