// Keystroke-to-underline latency, read from the content script's own performance measures:
//   'conduct:latency'  input event → the animation frame after the underlines were drawn
//   'conduct:drawn'    input event → the underlines drawn (highlight ranges / mirror updated)
//   'conduct:roundtrip' the check request → its response (content script ⇄ service worker)
// and, from a capturing beforeinput listener in the page, `keyed`: from the beforeinput event (before
// the browser edits the field; a textarea's check starts there) to the underlines drawn.
// plus, from a requestAnimationFrame loop in the page, whether the underlines were drawn before the
// first frame after the keystroke (i.e. painted together with the typed character).
import { afterTyping } from './flow.mjs';

/** n, median, p95 and max of a list of numbers (nearest rank). */
export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
}

export const fmtStats = (o) => (o.n ? `n=${o.n} median=${o.median.toFixed(1)} ms p95=${o.p95.toFixed(1)} ms max=${o.max.toFixed(1)} ms` : 'n=0');

const pageNow = (page) => page.evaluate(() => performance.now());

/** Measures of `name` that started at or after `t0` (page time), as [{start, duration}]. */
const since = (page, name, t0) => page.evaluate(([n, t]) => performance.getEntriesByName(n)
  .filter((m) => m.startTime >= t).map((m) => ({ start: m.startTime, duration: m.duration })), [name, t0]);

/** Starts recording animation frame times in the page (main world). */
const startFrames = (page) => page.evaluate(() => {
  globalThis.__frames = [];
  globalThis.__framesOn = true;
  globalThis.__before = [];
  if (!globalThis.__beforeOn) {
    globalThis.__beforeOn = true;
    addEventListener('beforeinput', () => globalThis.__before.push(performance.now()), true);
  }
  const loop = (t) => { if (!globalThis.__framesOn) return; globalThis.__frames.push(performance.now()); requestAnimationFrame(loop); };
  requestAnimationFrame(loop);
});
const stopFrames = (page) => page.evaluate(() => { globalThis.__framesOn = false; return globalThis.__frames; });
const beforeInputs = (page) => page.evaluate(() => globalThis.__before);

/** How many `drawn` measures ended before the first frame after their keystroke. */
function sameFrame(drawn, frames) {
  let n = 0;
  for (const d of drawn) {
    const next = frames.find((f) => f > d.start);
    if (next === undefined || d.start + d.duration <= next) n++;
  }
  return n;
}

/**
 * Types `keys` one at a time into the focused field, `pauseMs` apart (so each keystroke starts a
 * check of its own), and returns the latencies: {frame: ms[], drawn: ms[], roundtrip: ms[], sameFrame: count}.
 */
export async function singleKeystrokes(page, keys, { pauseMs = 160 } = {}) {
  const t0 = await pageNow(page);
  await startFrames(page);
  for (const key of keys) {
    const t = await pageNow(page);
    await page.keyboard.type(key);
    await page.waitForFunction((s) => performance.getEntriesByName('conduct:latency').some((m) => m.startTime >= s), t, { polling: 'raf' });
    await page.waitForTimeout(pauseMs);
  }
  return collect(page, t0);
}

/** The measures since `t0` and how many keystrokes were drawn before the next frame. */
async function collect(page, t0) {
  const frames = await stopFrames(page);
  const frame = await since(page, 'conduct:latency', t0);
  const drawn = await since(page, 'conduct:drawn', t0);
  const roundtrip = await since(page, 'conduct:roundtrip', t0);
  const before = await beforeInputs(page);
  // For each keystroke: from its beforeinput (the last one before its input event) to drawn.
  const keyed = drawn.map((d) => {
    const b = before.filter((t) => t <= d.start).pop();
    return b === undefined ? NaN : d.start + d.duration - b;
  }).filter((x) => !Number.isNaN(x));
  return { frame: frame.map((m) => m.duration), drawn: drawn.map((m) => m.duration), sameFrame: sameFrame(drawn, frames),
    roundtrip: roundtrip.map((m) => m.duration), keyed };
}

/** Types `phrase` continuously, `delay` ms per key; the same latencies as singleKeystrokes. */
export async function continuousTyping(page, phrase, { delay = 60 } = {}) {
  const t0 = await pageNow(page);
  await startFrames(page);
  await afterTyping(page, () => page.keyboard.type(phrase, { delay }));
  await page.waitForFunction(([t, n]) => performance.getEntriesByName('conduct:latency').filter((m) => m.startTime >= t).length >= n, [t0, phrase.length], { polling: 'raf' });
  return collect(page, t0);
}
