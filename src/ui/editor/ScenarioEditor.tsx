import { useEffect, useState } from "react";
import type { ActorKind } from "../../engine";
import { catalogueEntry, catalogueNames } from "../../engine/kernel/catalogue";
import { useSession } from "../../store/react";
import { shareStore } from "../share/shareState";
import {
  draftToScenario,
  emptyDraft,
  loadDraft,
  saveDraft,
  scenarioToDraft,
  type Draft,
  type DraftActor,
  type ScheduleMode,
} from "./draft";

const KINDS: ActorKind[] = ["task", "irq", "nmi", "kworker", "hotplug"];

/**
 * The scenario editor: kernel and config, cache, actors and their operations, a prepared state,
 * the schedule (as written, round-robin, seeded random, or recorded from the timeline after
 * letting actors step) and narration. The draft is saved to localStorage on every edit; only
 * the editor writes it, so a link or a file never overwrites it.
 */
export function ScenarioEditor() {
  const session = useSession();
  const [draft, setDraft] = useState<Draft>(
    () => loadDraft(localStorage) ?? emptyDraft(),
  );
  const [errors, setErrors] = useState<string[] | null>(null);
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => saveDraft(localStorage, draft), [draft]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const setActor = (i: number, patch: Partial<DraftActor>) =>
    setDraft((d) => ({
      ...d,
      actors: d.actors.map((a, j) => (j === i ? { ...a, ...patch } : a)),
    }));

  const apply = async () => {
    const r = draftToScenario(draft);
    if (!r.ok) {
      setErrors(r.errors);
      setNote(null);
      return;
    }
    let scenario = r.scenario;
    if (r.randomSeed !== undefined) {
      const schedule = await session.randomSchedule(r.scenario, r.randomSeed);
      // No schedule: the engine failed, and the session has already said so.
      if (!schedule) return;
      scenario = { ...r.scenario, schedule };
    }
    await session.loadScenario(scenario);
    const refused = session.store.getState().loadErrors;
    if (refused) {
      setErrors(refused);
      return;
    }
    setErrors(null);
    shareStore.getState().clearProblem();
    setNote(
      draft.scheduleMode === "random"
        ? `Opened, with the schedule of seed ${draft.seed}.`
        : "Opened.",
    );
  };

  /** The loaded scenario, with the steps taken so far (forks included), into the draft. */
  const fromLoaded = async (recordOnly: boolean) => {
    const s = await session.currentScenario();
    if (!s) return;
    const loaded = scenarioToDraft(s);
    setDraft((d) =>
      recordOnly
        ? { ...d, scheduleMode: "steps", steps: loaded.steps }
        : loaded,
    );
    setErrors(null);
    setNote(
      recordOnly
        ? "The schedule taken on the timeline is now the draft's schedule."
        : "The loaded scenario is now the draft.",
    );
  };

  const rtCapable = catalogueEntry(draft.variant)?.rtCapable ?? false;

  return (
    <details className="scenario-editor" data-testid="editor">
      <summary>Edit a scenario</summary>
      <div className="editor-grid">
        <label>
          Title{" "}
          <input
            aria-label="title"
            value={draft.title}
            onChange={(e) => set("title", e.target.value)}
          />
        </label>
        <label>
          Description{" "}
          <textarea
            aria-label="description"
            rows={2}
            value={draft.description}
            onChange={(e) => set("description", e.target.value)}
          />
        </label>
        <fieldset>
          <legend>Kernel</legend>
          <label>
            variant{" "}
            <select
              aria-label="variant"
              value={draft.variant}
              onChange={(e) => set("variant", e.target.value)}
            >
              {catalogueNames().map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </label>{" "}
          <label>
            CPUs{" "}
            <input
              aria-label="cpus"
              size={3}
              value={draft.cpus}
              onChange={(e) => set("cpus", e.target.value)}
            />
          </label>{" "}
          <label
            title={rtCapable ? "" : "this variant cannot be built with it"}
          >
            <input
              type="checkbox"
              aria-label="PREEMPT_RT"
              checked={draft.preemptRt}
              onChange={(e) => set("preemptRt", e.target.checked)}
            />{" "}
            PREEMPT_RT
          </label>{" "}
          <label>
            <input
              type="checkbox"
              aria-label="CPU partial"
              checked={draft.cpuPartial}
              onChange={(e) => set("cpuPartial", e.target.checked)}
            />{" "}
            CONFIG_SLUB_CPU_PARTIAL
          </label>
          <label>
            more options (JSON: debugVm, lockdep, lockStat, memcg, nodes,
            pagePool, fixes){" "}
            <input
              aria-label="kernel options"
              className="editor-ops"
              value={draft.kernelMore}
              onChange={(e) => set("kernelMore", e.target.value)}
            />
          </label>
        </fieldset>
        <fieldset>
          <legend>Cache</legend>
          <label>
            objects per slab{" "}
            <input
              aria-label="objects"
              size={3}
              value={draft.objects}
              onChange={(e) => set("objects", e.target.value)}
            />
          </label>{" "}
          <label>
            cpu_partial{" "}
            <input
              aria-label="cpu_partial"
              size={4}
              placeholder="default"
              value={draft.cacheCpuPartial}
              onChange={(e) => set("cacheCpuPartial", e.target.value)}
            />
          </label>{" "}
          <label>
            min_partial{" "}
            <input
              aria-label="min_partial"
              size={4}
              placeholder="default"
              value={draft.minPartial}
              onChange={(e) => set("minPartial", e.target.value)}
            />
          </label>{" "}
          <label>
            more (JSON: name, objectSize){" "}
            <input
              aria-label="cache options"
              size={30}
              value={draft.cacheMore}
              onChange={(e) => set("cacheMore", e.target.value)}
            />
          </label>
        </fieldset>
        <fieldset>
          <legend>Actors</legend>
          <p className="editor-help">
            Operations, separated by commas: alloc x [atomic] [account] [node=N]
            [reenter=y:SIZE[@load]], free x [keep], write x, flushAll, shrink,
            destroy, memoryOffline, cpuOffline N, cpuOnline N, allocPageCache p,
            freePageCache p; with the percpu array cache: allocBulk x N
            [atomic], freeBulk x N, prefill N [atomic]; on the 2025 kernels:
            kmallocNolock x SIZE, kfreeNolock x, isolateMigratepages PFN.
          </p>
          {draft.actors.map((a, i) => (
            <div className="editor-actor" key={i} data-testid={`actor-${i}`}>
              <input
                aria-label={`actor ${i} name`}
                size={8}
                value={a.name}
                onChange={(e) => setActor(i, { name: e.target.value })}
              />
              <select
                aria-label={`actor ${i} kind`}
                value={a.kind}
                onChange={(e) =>
                  setActor(i, { kind: e.target.value as ActorKind })
                }
              >
                {KINDS.map((k) => (
                  <option key={k}>{k}</option>
                ))}
              </select>
              <label>
                cpu{" "}
                <input
                  aria-label={`actor ${i} cpu`}
                  size={2}
                  value={a.cpu}
                  onChange={(e) => setActor(i, { cpu: e.target.value })}
                />
              </label>
              <label>
                <input
                  type="checkbox"
                  aria-label={`actor ${i} pinned`}
                  checked={a.pinned}
                  onChange={(e) => setActor(i, { pinned: e.target.checked })}
                />{" "}
                pinned
              </label>
              <input
                className="editor-ops"
                aria-label={`actor ${i} operations`}
                value={a.ops}
                onChange={(e) => setActor(i, { ops: e.target.value })}
              />
              <button
                type="button"
                aria-label={`remove actor ${i}`}
                onClick={() =>
                  setDraft((d) => ({
                    ...d,
                    actors: d.actors.filter((_, j) => j !== i),
                  }))
                }
              >
                ✕
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() =>
              setDraft((d) => ({
                ...d,
                actors: [
                  ...d.actors,
                  {
                    name: `T${d.actors.length}`,
                    kind: "task",
                    cpu: "0",
                    pinned: false,
                    ops: "alloc x",
                  },
                ],
              }))
            }
          >
            Add actor
          </button>
        </fieldset>
        <label>
          Prepared state (one per line, <code>cpu: operation</code>, run before
          step 0){" "}
          <textarea
            aria-label="prepare"
            rows={2}
            value={draft.prepare}
            onChange={(e) => set("prepare", e.target.value)}
          />
        </label>
        <fieldset>
          <legend>Schedule</legend>
          <select
            aria-label="schedule mode"
            value={draft.scheduleMode}
            onChange={(e) =>
              set("scheduleMode", e.target.value as ScheduleMode)
            }
          >
            <option value="round-robin">round-robin</option>
            <option value="random">seeded random</option>
            <option value="steps">as written (recorded)</option>
          </select>{" "}
          {draft.scheduleMode === "random" && (
            <label>
              seed{" "}
              <input
                aria-label="seed"
                size={6}
                value={draft.seed}
                onChange={(e) => set("seed", e.target.value)}
              />
            </label>
          )}
          {draft.scheduleMode === "steps" && (
            <textarea
              aria-label="schedule"
              rows={2}
              placeholder="A*10 B@1 A"
              value={draft.steps}
              onChange={(e) => set("steps", e.target.value)}
            />
          )}
          <button type="button" onClick={() => void fromLoaded(true)}>
            Record from the timeline
          </button>
          <p className="editor-help">
            To record: apply, let actors step on the timeline (“let this actor
            step next”), then record the steps taken.
          </p>
        </fieldset>
        <label>
          Narration (one per line, <code>step: text</code>; plain text){" "}
          <textarea
            aria-label="narration"
            rows={3}
            value={draft.narration}
            onChange={(e) => set("narration", e.target.value)}
          />
        </label>
      </div>
      <div className="editor-actions">
        <button type="button" onClick={() => void apply()}>
          Apply
        </button>
        <button type="button" onClick={() => void fromLoaded(false)}>
          Edit the loaded scenario
        </button>
        <button type="button" onClick={() => setDraft(emptyDraft())}>
          New draft
        </button>
      </div>
      {note && (
        <p role="status" data-testid="editor-note">
          {note}
        </p>
      )}
      {errors && (
        <div role="alert" className="alert" data-testid="editor-errors">
          The draft was not opened (it is kept as it is):
          <ul>
            {errors.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        </div>
      )}
    </details>
  );
}
