/**
 * The code pane: every actor's call stack at the cursor, and the paraphrased kernel listing of
 * the function it is in with its current line marked. Where another actor is in the same
 * function, its position is marked too, so two contexts racing through one function show
 * side by side. Enabled actors get a "step next" button (a fork, as in the "who steps next" list).
 */
import { useAppStore, useSession } from "../store/react";
import type { ActorCode, Frame, Listings } from "../worker/protocol";
import { ownChoice } from "./ActorLanes";
import { STATE_GLYPH, STATE_TEXT } from "./actorStates";

/** Lines shown around the current one. */
const CONTEXT = 3;

export function CodePane({ frame }: { frame: Frame }) {
  const listings = useAppStore((s) => s.scenario?.listings);
  const selected = useAppStore((s) => s.selection.actor);
  const byCpu = new Map<number, ActorCode[]>();
  for (const a of frame.code)
    byCpu.set(a.cpu, [...(byCpu.get(a.cpu) ?? []), a]);
  return (
    <section className="code-pane" aria-label="actors and their code">
      <h3>Actors and their kernel lines</h3>
      <p className="hint">
        ▶ the line each actor runs next · ◆ where another actor is in the same
        function
      </p>
      <div data-testid="actors" className="code-cpus">
        {[...byCpu.keys()]
          .sort((a, b) => a - b)
          .map((cpu) => (
            <div
              key={cpu}
              className="code-cpu"
              role="group"
              aria-label={`cpu ${cpu}`}
            >
              <h4>CPU {cpu}</h4>
              {byCpu.get(cpu)!.map((a) => (
                <ActorCard
                  key={a.id}
                  actor={a}
                  frame={frame}
                  listings={listings ?? {}}
                  selected={selected === a.name}
                />
              ))}
            </div>
          ))}
      </div>
    </section>
  );
}

function ActorCard({
  actor: a,
  frame,
  listings,
  selected,
}: {
  actor: ActorCode;
  frame: Frame;
  listings: Listings;
  selected: boolean;
}) {
  const session = useSession();
  const changed = frame.changed.actors.includes(a.name);
  const choice = ownChoice(frame.enabled, a.id);
  const top = a.stack.at(-1);
  const stepped = frame.event?.actorId === a.id;
  return (
    <article
      className={`actor-card state-${a.state}${changed ? " changed" : ""}${selected ? " selected" : ""}`}
      data-testid={`actor-${a.name}`}
      aria-label={`${a.name}, ${a.kind} on cpu ${a.cpu}, ${STATE_TEXT[a.state]}`}
    >
      <header>
        <button
          type="button"
          className="actor-name"
          aria-pressed={selected}
          title="Pick out this actor's steps on the timeline"
          onClick={() =>
            session.store.getState().selectActor(selected ? null : a.name)
          }
        >
          <strong>{a.name}</strong>
        </button>{" "}
        <small>{a.kind}</small>{" "}
        <span className="state" data-testid={`actor-${a.name}-state`}>
          {STATE_GLYPH[a.state]} {STATE_TEXT[a.state]}
        </span>
        {a.op && <span className="op"> · {a.op}</span>}
        {stepped && <span className="stepped"> · took the last step</span>}
        {choice && (
          <button
            type="button"
            className="step-next"
            data-testid={`code-fork-${a.name}`}
            aria-label={`let ${a.name} take step ${frame.step}`}
            onClick={() => void session.fork(choice.actor, choice.cpu)}
          >
            step next{choice.progress ? "" : " (spins)"}
          </button>
        )}
      </header>
      {a.waiting && <p className="waiting">{a.waiting}</p>}
      {a.stack.length > 0 && (
        <ol className="stack" aria-label={`${a.name}'s call stack`}>
          {a.stack.map((f, i) => (
            <li
              key={i}
              data-testid={
                i === a.stack.length - 1 ? `actor-${a.name}-fn` : undefined
              }
            >
              {f.fn}
            </li>
          ))}
        </ol>
      )}
      {top && (
        <Listing
          fn={top.fn}
          pc={top.pc}
          lines={listings[top.fn] ?? []}
          others={frame.code.filter(
            (o) => o.id !== a.id && o.stack.at(-1)?.fn === top.fn,
          )}
          name={a.name}
        />
      )}
    </article>
  );
}

function Listing({
  fn,
  pc,
  lines,
  others,
  name,
}: {
  fn: string;
  pc: number;
  lines: string[];
  others: ActorCode[];
  name: string;
}) {
  const from = Math.max(0, pc - CONTEXT);
  const to = Math.min(lines.length, pc + CONTEXT + 1);
  const at = new Map<number, string[]>();
  for (const o of others) {
    const p = o.stack.at(-1)!.pc;
    at.set(p, [...(at.get(p) ?? []), o.name]);
  }
  return (
    <ol
      className="listing"
      start={from + 1}
      aria-label={`${fn}, around ${name}'s line`}
    >
      {lines.slice(from, to).map((text, k) => {
        const i = from + k;
        const mine = i === pc;
        const theirs = at.get(i);
        return (
          <li
            key={i}
            className={mine ? "current" : theirs ? "other" : undefined}
            aria-current={mine ? "step" : undefined}
            data-testid={mine ? `actor-${name}-line` : undefined}
          >
            <span className="gutter" aria-hidden={!mine && !theirs}>
              {mine ? "▶" : theirs ? "◆" : ""}
            </span>
            <code>{text}</code>
            {theirs && <span className="others"> ← {theirs.join(", ")}</span>}
          </li>
        );
      })}
    </ol>
  );
}
