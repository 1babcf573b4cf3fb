// The strength worker: checks passwords and suggests new ones off the page's main thread, with
// the strength crate's WASM module (zxcvbn and the rules the server enforces). The portal writes
// the module's content-hashed URLs into this script when it starts (server/src/web/bundles).
// One JSON question in, one JSON answer out; null when the module failed to load or answer.
import init, { answer } from '__STRENGTH_JS__';

const ready = init({ module_or_path: '__STRENGTH_WASM__' });

self.onmessage = async ({ data }) => {
  try {
    await ready;
    self.postMessage(answer(data));
  } catch {
    self.postMessage(null);
  }
};
