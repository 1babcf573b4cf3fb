/**
 * The portal's outbox as the tests see it: in the e2e run PORTAL_SMTP_URL is a file:// folder,
 * and the background mail worker writes one `.eml` per message there (under a temporary name
 * that it renames, so a `.eml` file is always complete).
 *
 * The bodies are decoded with postal-mime (MIME structure, quoted-printable, base64, charsets):
 * lettre picks the transfer encoding per part, so a test must not depend on which one it chose.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import PostalMime from 'postal-mime';
import { portalEnv } from './portal';

/** Where `portal serve` writes its mail (PORTAL_SMTP_URL is `file://<folder>`). */
export const mailDir = portalEnv.PORTAL_SMTP_URL.replace(/^file:\/\//, '');

export interface Mail {
  /** The file's name in mailDir. */
  file: string;
  to: string[];
  subject: string;
  /** The decoded text/plain body. */
  text: string;
}

/** The messages in the folder now; pass it to waitForMail to wait for a later one. */
export async function mailSeen(): Promise<ReadonlySet<string>> {
  return new Set(await emlFiles());
}

async function emlFiles(): Promise<string[]> {
  try {
    // Names start with the time in milliseconds, so sorting them puts them in order of writing.
    return (await fs.readdir(mailDir)).filter((name) => name.endsWith('.eml')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []; // nothing sent yet
    throw error;
  }
}

const parsed = new Map<string, Mail>();

async function read(file: string): Promise<Mail> {
  let mail = parsed.get(file);
  if (!mail) {
    const email = await PostalMime.parse(await fs.readFile(path.join(mailDir, file)));
    mail = {
      file,
      to: (email.to ?? []).flatMap((a) => ('address' in a && a.address ? [a.address.toLowerCase()] : [])),
      subject: email.subject ?? '',
      text: email.text ?? '',
    };
    parsed.set(file, mail);
  }
  return mail;
}

/**
 * Waits for a message to `to` with this exact subject that is not in `seen` (by default: any
 * such message), polling the folder until `timeout` ms have passed, and returns it decoded.
 */
export async function waitForMail({
  to,
  subject,
  seen = new Set(),
  timeout = 15_000,
}: {
  to: string;
  subject: string;
  seen?: ReadonlySet<string>;
  timeout?: number;
}): Promise<Mail> {
  const deadline = Date.now() + timeout;
  const recipient = to.toLowerCase();
  for (;;) {
    const candidates = (await emlFiles()).filter((file) => !seen.has(file));
    for (const file of candidates) {
      const mail = await read(file);
      if (mail.to.includes(recipient) && mail.subject === subject) return mail;
    }
    if (Date.now() >= deadline) {
      const arrived = await Promise.all(candidates.map(read));
      const list = arrived.map((m) => `  ${m.file}: to ${m.to.join(', ')}, "${m.subject}"`).join('\n') || '  (none)';
      throw new Error(`No mail to ${to} with subject "${subject}" in ${mailDir} after ${timeout} ms; new mail:\n${list}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The first link in the body that starts with `prefix` (e.g. `${baseURL}/reset?token=`). */
export function linkIn(mail: Mail, prefix: string): string {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = mail.text.match(new RegExp(`${escaped}\\S+`));
  if (!match) throw new Error(`No link starting with ${prefix} in ${mail.file}:\n${mail.text}`);
  return match[0];
}
