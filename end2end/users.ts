/** The accounts that global-setup.ts creates in the fresh database before the tests run. */
export interface TestUser {
  email: string;
  password: string;
}

/** Used by most tests; collects a session per login and nobody counts them. */
export const alice: TestUser = { email: 'alice@example.com', password: 'Correct-Horse-Battery-9!' };

/** Used by the tests that count sessions; each of them cleans up after itself. */
export const bob: TestUser = { email: 'bob@example.com', password: 'Another-Secret-Pass-7?' };

export const users: readonly TestUser[] = [alice, bob];
