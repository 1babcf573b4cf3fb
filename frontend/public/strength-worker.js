// Scores long passwords off the page's main thread. It loads the page's own WASM module (from
// the browser's cache) and runs the same policy code the server runs; see
// app/src/components/strength_check.rs. One JSON request in, one JSON reply out (null on failure).
import init, { assess_request } from '/pkg/portal.js';

const ready = init({ module_or_path: '/pkg/portal.wasm' });

self.onmessage = async ({ data }) => {
  try {
    await ready;
    self.postMessage(assess_request(data));
  } catch {
    self.postMessage(null);
  }
};
