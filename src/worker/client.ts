/**
 * The UI's only way to reach the engine. An EngineClient forwards every EngineApi method to
 * one of two transports, which the UI cannot tell apart except through `transport()`:
 *
 * - a module Web Worker running engine.worker.ts (comlink), the normal case;
 * - the same implementation called in the main thread, for tests and for browsers where the
 *   worker is missing or does not answer.
 *
 * The client counts requests in flight (for the test-mode idle signal) and turns a dead worker
 * into a `crashed` transport plus rejected calls, never a silent hang: a worker that fails
 * says so with an `error` event, and one that stops without a word (killed, out of memory,
 * closed) is caught by a per-call deadline, `callTimeoutMs`, far above what any engine call takes.
 */
import { wrap } from "comlink";
import type { EngineApi } from "./protocol";

export type Transport =
  /** createEngineClient() is still waiting for the worker's first answer. */
  | { kind: "starting" }
  | { kind: "worker" }
  /** The engine runs in the main thread; `reason` says why the worker is not used. */
  | { kind: "in-thread"; reason: string }
  /** The worker died; every pending and later call rejects with EngineCrashedError. */
  | { kind: "crashed"; message: string };

export interface EngineClient {
  /** Every EngineApi method; each call counts as in flight until its promise settles. */
  readonly api: EngineApi;
  transport(): Transport;
  /** Number of calls whose promise has not settled yet. */
  inFlight(): number;
  /** Called after every change of `inFlight()` or `transport()`. Returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
  /**
   * A fresh engine with nothing loaded, on the same kind of transport (a new worker, falling
   * back to the main thread if it does not answer; a fresh in-thread engine). Calls still in
   * flight on the old one reject.
   */
  restart(): Promise<void>;
  /** Stops the worker (if any) and rejects calls still in flight. */
  dispose(): void;
}

export class EngineCrashedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EngineCrashedError";
  }
}

export interface EngineClientOptions {
  /** How long to wait for the worker's first answer before falling back (ms). */
  timeoutMs?: number;
  /**
   * How long any later call may go unanswered before the worker counts as dead (ms): it is
   * stopped, and the call and every other one in flight reject with EngineCrashedError, as
   * after a crash, so the app's recovery restarts it.
   */
  callTimeoutMs?: number;
}

/** The default per-call deadline: engine calls take milliseconds to a few seconds. */
export const CALL_TIMEOUT_MS = 30_000;

/** The worker when it works, else the in-thread engine, with the reason kept. */
export function createEngineClient(
  options: EngineClientOptions = {},
): EngineClient {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const callTimeoutMs = options.callTimeoutMs ?? CALL_TIMEOUT_MS;
  if (typeof Worker === "undefined") {
    return createInThreadClient("this browser has no Web Workers");
  }
  let first: EngineClient;
  try {
    first = createWorkerClient(callTimeoutMs);
  } catch (error) {
    return createInThreadClient(
      `the engine worker could not be started: ${errorMessage(error)}`,
    );
  }

  const core = new ClientCore({ kind: "starting" });
  let current: EngineClient | null = null;
  let unmirror = () => {};
  let chosen: Promise<EngineClient>;

  /** Probes `worker` (counted as in flight, so the app is not idle until the choice is made). */
  const connect = (worker: EngineClient) => {
    current = null;
    core.setTransport({ kind: "starting" });
    chosen = core
      .track(() => withTimeout(worker.api.ping(), timeoutMs))
      .then(
        () => worker,
        (error: unknown) => {
          worker.dispose();
          return createInThreadClient(
            `the engine worker did not answer: ${errorMessage(error)}`,
          );
        },
      )
      .then((client) => {
        current = client;
        unmirror = client.subscribe(() =>
          core.setTransport(client.transport()),
        );
        core.setTransport(client.transport());
        return client;
      });
  };
  connect(first);

  return {
    api: forwardingApi((method, args) =>
      core.track(async () => {
        const target = current ?? (await chosen);
        return callMethod(target.api, method, args);
      }),
    ),
    transport: () => core.transport(),
    inFlight: () => core.inFlight(),
    subscribe: (listener) => core.subscribe(listener),
    async restart() {
      const old = current ?? (await chosen);
      // A fallback stays in the main thread: the worker already failed to answer once.
      if (old.transport().kind === "in-thread") return old.restart();
      unmirror();
      unmirror = () => {};
      old.dispose();
      let worker: EngineClient;
      try {
        worker = createWorkerClient(callTimeoutMs);
      } catch (error) {
        worker = createInThreadClient(
          `the engine worker could not be started: ${errorMessage(error)}`,
        );
      }
      connect(worker);
      await chosen;
    },
    dispose() {
      unmirror();
      first.dispose();
      current?.dispose();
      core.failAll(new EngineCrashedError("the engine client was disposed"));
    },
  };
}

/**
 * The engine in a module worker. Throws if the browser cannot create one. A call unanswered
 * after `callTimeoutMs` stops the worker as a crash does.
 */
export function createWorkerClient(
  callTimeoutMs = CALL_TIMEOUT_MS,
): EngineClient {
  const core = new ClientCore({ kind: "worker" });
  let live = start();

  function start() {
    // Keep this expression exactly as it is: Vite finds and bundles the worker by this pattern.
    const worker = new Worker(new URL("./engine.worker.ts", import.meta.url), {
      type: "module",
    });
    const remote = wrap<EngineApi>(worker);
    let dead = false;
    /** Stops the worker; `announce` false when it is replaced at once (no crashed state). */
    const crash = (message: string, announce = true) => {
      if (dead) return;
      dead = true;
      worker.terminate();
      if (announce) core.setTransport({ kind: "crashed", message });
      core.failAll(new EngineCrashedError(message));
    };
    worker.addEventListener("error", (event) => {
      // Handled here and shown by the app; keep it from also surfacing as an uncaught error.
      event.preventDefault();
      crash(describeWorkerError(event));
    });
    worker.addEventListener("messageerror", () => {
      crash("a message from the engine worker could not be decoded");
    });
    return { remote, crash };
  }

  return {
    api: forwardingApi((method, args) => {
      const transport = core.transport();
      if (transport.kind === "crashed") {
        return Promise.reject(new EngineCrashedError(transport.message));
      }
      const { remote, crash } = live;
      return core.track(() => {
        const call = callMethod(remote as unknown as EngineApi, method, args);
        // No `error` event comes from a worker that was killed or closed: the deadline does.
        const timer = setTimeout(
          () =>
            crash(
              `the engine worker stopped answering (no reply to ${method} in ${callTimeoutMs} ms)`,
            ),
          callTimeoutMs,
        );
        const clear = () => clearTimeout(timer);
        call.then(clear, clear);
        return call;
      });
    }),
    transport: () => core.transport(),
    inFlight: () => core.inFlight(),
    subscribe: (listener) => core.subscribe(listener),
    async restart() {
      live.crash("the engine worker was restarted", false);
      live = start();
      core.setTransport({ kind: "worker" });
    },
    dispose: () => live.crash("the engine client was disposed"),
  };
}

/**
 * The engine in the main thread. Arguments and results are structured-cloned, as they would
 * be on the way to and from a worker, so code that works here also works there.
 */
export function createInThreadClient(
  reason = "an in-thread engine was requested",
): EngineClient {
  // Loaded on first use: the engine stays out of the main bundle unless the fallback runs.
  const create = () =>
    import("./engineApi").then((m) => m.createEngineApi("in-thread"));
  let implementation: Promise<EngineApi> | null = null;
  const core = new ClientCore({ kind: "in-thread", reason });
  return {
    api: forwardingApi((method, args) =>
      core.track(async () => {
        implementation ??= create();
        const api = await implementation;
        // Only the implementation's own methods, never Object.prototype's.
        if (!Object.hasOwn(api, method)) {
          throw new TypeError(`EngineApi has no method "${method}"`);
        }
        const result = await callMethod(api, method, structuredClone(args));
        return structuredClone(result);
      }),
    ),
    transport: () => core.transport(),
    inFlight: () => core.inFlight(),
    subscribe: (listener) => core.subscribe(listener),
    async restart() {
      core.failAll(new EngineCrashedError("the engine was restarted"));
      implementation = null;
      core.setTransport({ kind: "in-thread", reason });
    },
    dispose: () =>
      core.failAll(new EngineCrashedError("the engine client was disposed")),
  };
}

type Call = (method: string, args: unknown[]) => Promise<unknown>;

/** An EngineApi whose every method is `call(name, args)`; one stable function per name. */
function forwardingApi(call: Call): EngineApi {
  const methods = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  return new Proxy({} as EngineApi, {
    get(_target, property) {
      // Not a thenable (so `await client.api` is harmless), and no symbol-keyed methods.
      if (typeof property !== "string" || property === "then") return undefined;
      let method = methods.get(property);
      if (!method) {
        method = (...args: unknown[]) => call(property, args);
        methods.set(property, method);
      }
      return method;
    },
  });
}

function callMethod(
  api: EngineApi,
  method: string,
  args: unknown[],
): Promise<unknown> {
  const fn = (api as unknown as Record<string, unknown>)[method];
  if (typeof fn !== "function") {
    return Promise.reject(new TypeError(`EngineApi has no method "${method}"`));
  }
  return Promise.resolve(fn.apply(api, args) as unknown);
}

class ClientCore {
  private state: Transport;
  private readonly pending = new Set<(error: Error) => void>();
  private readonly listeners = new Set<() => void>();

  constructor(initial: Transport) {
    this.state = initial;
  }

  transport(): Transport {
    return this.state;
  }

  inFlight(): number {
    return this.pending.size;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  setTransport(next: Transport): void {
    this.state = next;
    this.emit();
  }

  /** Runs `run`, counted as in flight until it settles; failAll() can reject it early. */
  track<T>(run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (finish: () => void) => {
        if (settled) return;
        settled = true;
        this.pending.delete(fail);
        finish();
        this.emit();
      };
      const fail = (error: Error) => settle(() => reject(error));
      this.pending.add(fail);
      this.emit();
      let started: Promise<T>;
      try {
        started = run();
      } catch (error) {
        started = Promise.reject(error as Error);
      }
      started.then(
        (value) => settle(() => resolve(value)),
        (error: unknown) => settle(() => reject(error)),
      );
    });
  }

  failAll(error: Error): void {
    for (const fail of [...this.pending]) fail(error);
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no answer within ${ms} ms`)),
      ms,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function describeWorkerError(event: Event): string {
  if (event instanceof ErrorEvent && event.message) {
    const where = event.filename ? ` (${event.filename}:${event.lineno})` : "";
    return `${event.message}${where}`;
  }
  return "the worker script failed to load or stopped with an error";
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
