/**
 * The render benchmark page (`?bench=render`): mounts FrameView and feeds it synthetic frames
 * of 4 CPUs × 64 slabs × 16 objects. For each frame it times React's commit plus the style and
 * layout the browser does for it (flushSync, then a forced layout), and, separately, the
 * interval between animation frames while a new frame is rendered on every one (which includes
 * paint). `window.__slabscopeBench.run(phase)` runs one phase at a time, so src/bench/render.ts
 * can read the main thread's CPU time around each.
 */
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { SessionProvider } from "../../store/react";
import { Session } from "../../store/session";
import { createAppStore } from "../../store/store";
import { createInThreadClient } from "../../worker/client";
import { FrameView } from "../FrameView";
import "../app.css";
import {
  syntheticFrame,
  type BenchApi,
  type BenchPhase,
  type SyntheticSize,
} from "./syntheticFrame";

const SIZE: SyntheticSize = { cpus: 4, slabs: 64, objects: 16 };
const FRAMES = 200;

const nextFrame = () =>
  new Promise<number>((r) => requestAnimationFrame((t) => r(t)));

export async function runRenderBench(el: HTMLElement): Promise<void> {
  const client = createInThreadClient("render benchmark");
  const session = new Session({ client, store: createAppStore() });
  const root = createRoot(el);
  const show = (f: ReturnType<typeof syntheticFrame>) =>
    root.render(
      <SessionProvider session={session}>
        <main className="app">
          <FrameView frame={f} />
        </main>
      </SessionProvider>,
    );
  const layoutMs: number[] = [];
  const timed = async (changeAll: boolean, offset: number) => {
    const out: number[] = [];
    for (let i = 0; i < FRAMES; i++) {
      const f = syntheticFrame(SIZE, offset + i, changeAll);
      const t0 = performance.now();
      flushSync(() => show(f));
      const t1 = performance.now();
      void el.getBoundingClientRect().height;
      const t2 = performance.now();
      out.push(t2 - t0);
      if (changeAll) layoutMs.push(t2 - t1);
      // Let the browser paint between frames, as playback would.
      await nextFrame();
    }
    return out;
  };
  const raf = async (offset: number) => {
    const out: number[] = [];
    let last = await nextFrame();
    for (let i = 0; i < FRAMES; i++) {
      flushSync(() => show(syntheticFrame(SIZE, offset + i, false)));
      const t = await nextFrame();
      out.push(t - last);
      last = t;
    }
    return out;
  };
  // Phases the runner calls one by one, so it can read the main thread's CPU time around each.
  const phases: Record<BenchPhase, () => Promise<number[]>> = {
    // The first mount and the JIT.
    warmUp: () => timed(true, 0),
    allChanged: async () => {
      layoutMs.length = 0;
      return timed(true, 1000);
    },
    layout: async () => [...layoutMs],
    playback: () => timed(false, 2000),
    rafInterval: () => raf(3000),
  };
  (globalThis as { __slabscopeBench?: BenchApi }).__slabscopeBench = {
    size: SIZE,
    frames: FRAMES,
    run: (phase) => phases[phase](),
  };
}
