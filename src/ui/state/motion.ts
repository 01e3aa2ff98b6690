/**
 * The state view's animations, counted: the idle signal (../idle.ts) waits for them to finish,
 * so a test never reads a card in the middle of its slide.
 */
let running = 0;
const listeners = new Set<() => void>();

export function motionsRunning(): number {
  return running;
}

export function subscribeMotion(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function notify() {
  for (const fn of listeners) fn();
}

/** Counts `a` as running until it finishes or is cancelled. */
export function track(a: Animation): void {
  running += 1;
  notify();
  let done = false;
  const end = () => {
    if (done) return;
    done = true;
    running -= 1;
    notify();
  };
  a.addEventListener("finish", end);
  a.addEventListener("cancel", end);
  a.addEventListener("remove", end);
}

/** Whether the viewer asked for less motion. */
export function reducedMotion(): boolean {
  return (
    typeof matchMedia === "function" &&
    matchMedia("(prefers-reduced-motion: reduce)").matches
  );
}

/** How long a slab card slides from its old place to its new one. */
export const SLIDE_MS = 240;
