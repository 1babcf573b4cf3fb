/** The accounts that global-setup.ts creates in the fresh database before the tests run. */
export interface TestUser {
  email: string;
  password: string;
}

/** Used by most tests; collects a session per login and nobody counts them. */
export const alice: TestUser = { email: 'alice@example.com', password: 'Tq7#vLm2@pXz9!kR' };

/** Used by the tests that count sessions; each of them cleans up after itself. */
export const bob: TestUser = { email: 'bob@example.com', password: 'Wb4%nHs8*cJy3?eD' };

/** Changes her password with JavaScript on (and the generator). */
export const carol: TestUser = { email: 'carol@example.com', password: 'Fk6&uPz4^rNq8#wG' };

/** Changes his password with JavaScript off. */
export const dave: TestUser = { email: 'dave@example.com', password: 'Hm3*eTx7!vBc2$qL' };

/** Forgets her password and resets it with the emailed link, JavaScript on (and the generator). */
export const erin: TestUser = { email: 'erin@example.com', password: 'Rv8!gQm5#zTw2^Ks' };

/** Forgets his password and resets it with the emailed link, JavaScript off. */
export const frank: TestUser = { email: 'frank@example.com', password: 'Jn6$dWx3@hPc9&Ly' };

/** Changes her password to check what the page shows and keeps after "Save Changes" (and back). */
export const grace: TestUser = { email: 'grace@example.com', password: 'Pz5^hWq9!mTc4@Lr' };

/** Turns on two-factor sign-in, logs in with it and with a recovery code, and turns it off (JavaScript on). */
export const heidi: TestUser = { email: 'heidi@example.com', password: 'Gq4!tVz8#kWm2^Rx' };

/** The same with JavaScript off. */
export const ivan: TestUser = { email: 'ivan@example.com', password: 'Ld7@pXs3%nQc9&Ve' };

/** Makes mistakes on the reset form with JavaScript off (and never finishes the reset). */
export const judy: TestUser = { email: 'judy@example.com', password: 'Wc9#kRt4!zPm6^Hs' };

export const users: readonly TestUser[] = [alice, bob, carol, dave, erin, frank, grace, heidi, ivan, judy];
