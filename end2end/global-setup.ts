import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { portalBin, portalEnv, tmpDir } from './portal';
import { users } from './users';

/**
 * Creates the test users with the portal's own CLI, in the database of the server that
 * Playwright's webServer has already started (SQLite in WAL mode allows the second process).
 * Returns the teardown, which deletes the run directory unless PORTAL_E2E_KEEP_TMP is set.
 */
export default function globalSetup(): () => void {
  for (const { email, password } of users) {
    try {
      execFileSync(portalBin, ['user', 'add', email, '--password-stdin'], {
        cwd: tmpDir,
        env: { ...process.env, ...portalEnv },
        input: `${password}\n`,
        stdio: ['pipe', 'inherit', 'inherit'],
        timeout: 60_000,
      });
    } catch (error) {
      throw new Error(`\`${portalBin} user add ${email}\` failed (database ${portalEnv.PORTAL_DATABASE_URL})`, {
        cause: error,
      });
    }
  }
  return () => {
    if (process.env.PORTAL_E2E_KEEP_TMP) console.log(`Kept the e2e database and mail in ${tmpDir}`);
    else fs.rmSync(tmpDir, { recursive: true, force: true });
  };
}
