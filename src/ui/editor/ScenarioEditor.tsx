import { useEffect, useState, type ReactNode } from "react";
import type { ActorKind } from "../../engine";
import { ACTOR_KIND_NAMES } from "../../engine/actorKinds";
import { isVariantName, VARIANT_NAMES, VARIANTS } from "../../engine/variants";
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

const KINDS: readonly ActorKind[] = ACTOR_KIND_NAMES;

/** The draft's fields edited as text. */
type TextKey = Exclude<
  keyof Draft,
  "preemptRt" | "cpuPartial" | "actors" | "scheduleMode"
>;

interface TextFieldProps {
  /** The visible label, before the field. */
  children: ReactNode;
  /** The field's accessible name (what the tests find it by). */
  name: string;
  value: string;
  onChange: (value: string) => void;
  /** A textarea of this many rows instead of a one-line input. */
  rows?: number;
  size?: number;
  placeholder?: string;
  className?: string;
}

/** A labelled text field: an input, or a textarea when `rows` is given. */
function TextField(props: TextFieldProps) {
  const { children, name, value, onChange, rows, ...rest } = props;
  return (
    <label>
      {children}{" "}
      {rows === undefined ? (
        <input
          aria-label={name}
          {...rest}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <textarea
          aria-label={name}
          rows={rows}
          {...rest}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </label>
  );
}

/** A labelled checkbox, the box before its text. */
function CheckField(props: {
  children: ReactNode;
  name: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  title?: string;
}) {
  return (
    <label title={props.title}>
      <input
        type="checkbox"
        aria-label={props.name}
        checked={props.checked}
        onChange={(e) => props.onChange(e.target.checked)}
      />{" "}
      {props.children}
    </label>
  );
}

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
  /** The value and setter of a text field of the draft. */
  const text = (key: TextKey) => ({
    value: draft[key],
    onChange: (v: string) => set(key, v),
  });
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

  const rtCapable =
    isVariantName(draft.variant) && VARIANTS[draft.variant].rtCapable;

  return (
    <div className="scenario-editor" data-testid="editor">
      <div className="editor-grid">
        <TextField name="title" {...text("title")}>
          Title
        </TextField>
        <TextField name="description" rows={2} {...text("description")}>
          Description
        </TextField>
        <fieldset>
          <legend>Kernel</legend>
          <label>
            variant{" "}
            <select
              aria-label="variant"
              value={draft.variant}
              onChange={(e) => set("variant", e.target.value)}
            >
              {VARIANT_NAMES.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </label>{" "}
          <TextField name="cpus" size={3} {...text("cpus")}>
            CPUs
          </TextField>{" "}
          <CheckField
            name="PREEMPT_RT"
            title={rtCapable ? "" : "this variant cannot be built with it"}
            checked={draft.preemptRt}
            onChange={(v) => set("preemptRt", v)}
          >
            PREEMPT_RT
          </CheckField>{" "}
          <CheckField
            name="CPU partial"
            checked={draft.cpuPartial}
            onChange={(v) => set("cpuPartial", v)}
          >
            CONFIG_SLUB_CPU_PARTIAL
          </CheckField>
          <TextField
            name="kernel options"
            className="editor-ops"
            {...text("kernelMore")}
          >
            more options (JSON: debugVm, lockdep, lockStat, memcg, nodes,
            pagePool, fixes)
          </TextField>
        </fieldset>
        <fieldset>
          <legend>Cache</legend>
          <TextField name="objects" size={3} {...text("objects")}>
            objects per slab
          </TextField>{" "}
          <TextField
            name="cpu_partial"
            size={4}
            placeholder="default"
            {...text("cacheCpuPartial")}
          >
            cpu_partial
          </TextField>{" "}
          <TextField
            name="min_partial"
            size={4}
            placeholder="default"
            {...text("minPartial")}
          >
            min_partial
          </TextField>{" "}
          <TextField
            name="sheaf_capacity"
            size={4}
            placeholder="none"
            {...text("sheafCapacity")}
          >
            sheaf_capacity
          </TextField>{" "}
          <TextField name="cache options" size={30} {...text("cacheMore")}>
            more (JSON: name, objectSize)
          </TextField>
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
              <TextField
                name={`actor ${i} cpu`}
                size={2}
                value={a.cpu}
                onChange={(v) => setActor(i, { cpu: v })}
              >
                cpu
              </TextField>
              <CheckField
                name={`actor ${i} pinned`}
                checked={a.pinned}
                onChange={(v) => setActor(i, { pinned: v })}
              >
                pinned
              </CheckField>
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
        <TextField name="prepare" rows={2} {...text("prepare")}>
          Prepared state (one per line, <code>cpu: operation</code>, run before
          step 0)
        </TextField>
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
            <TextField name="seed" size={6} {...text("seed")}>
              seed
            </TextField>
          )}
          {draft.scheduleMode === "steps" && (
            <textarea
              aria-label="schedule"
              rows={2}
              placeholder="A*10 B@1 A>___slab_alloc:new_slab"
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
        <TextField name="narration" rows={3} {...text("narration")}>
          Narration (one per line, <code>step: text</code> or{" "}
          <code>A&gt;fn:label: text</code>; plain text)
        </TextField>
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
    </div>
  );
}
