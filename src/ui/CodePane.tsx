/**
 * The code pane: every actor's call stack at the cursor and the whole paraphrased listing of the
 * function it is in, with the line its last step ran (✓) and the line it runs next (▶) marked,
 * in a box of its own that scrolls to keep them in view (and to a clicked finding's line, ⚑).
 * Where another actor is in the same function, its position is marked too (◆), so two contexts
 * racing through one function show side by side. Under the code, the function's locals: those
 * that name a slab or an object are chips that light it up in the state diagram on hover and
 * mark it there on click. Enabled actors get a "step next" button (a fork, as in the lanes).
 *
 * Each function links to its source: mm/slub.c at the mainline tag the variant models (with the
 * line of each step where it is known), or the posting a variant that never shipped comes from.
 *
 * Fills its container: actors stacked vertically, each listing scrolling inside its own box.
 */
import { useEffect, useLayoutEffect, useRef, type ReactNode } from "react";
import { useAppStore, useSession } from "../store/react";
import type { Highlight } from "../store/store";
import type {
  ActorCode,
  FnSource,
  Frame,
  LocalValue,
  LocalView,
} from "../worker/protocol";
import { elixirIdent, elixirLine } from "../worker/sourceLines";
import { ownChoice } from "./ActorLanes";
import { STATE_GLYPH, STATE_TEXT } from "./actorStates";
import "./codePane.css";

export function CodePane({ frame }: { frame: Frame }) {
  const listings = useAppStore((s) => s.scenario?.listings);
  const sources = useAppStore((s) => s.scenario?.sources);
  const selected = useAppStore((s) => s.selection.actor);
  const finding = useAppStore((s) => s.selection.highlight?.finding ?? null);
  const byCpu = new Map<number, ActorCode[]>();
  for (const a of frame.code)
    byCpu.set(a.cpu, [...(byCpu.get(a.cpu) ?? []), a]);
  return (
    <section className="code-pane" aria-label="actors and their code">
      <h3>Actors and their kernel lines</h3>
      <p className="hint">
        <span className="mark-ran">✓ ran</span> the line its last step ran ·{" "}
        <span className="mark-next">▶ next</span> the line it runs next · ◆
        another actor in the same function · ⚑ a finding&apos;s line
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
                  sources={sources ?? {}}
                  selected={selected === a.name}
                  findingStep={
                    finding && finding.actor === a.name ? finding.step : null
                  }
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
  sources,
  selected,
  findingStep,
}: {
  actor: ActorCode;
  frame: Frame;
  listings: Record<string, string[]>;
  sources: Record<string, FnSource>;
  selected: boolean;
  /** The step of the selected finding, when this actor raised it. */
  findingStep: number | null;
}) {
  const session = useSession();
  const card = useRef<HTMLElement>(null);
  const changed = frame.changed.actors.includes(a.name);
  const choice = ownChoice(frame.enabled, a.id);
  const top = a.stack.at(-1);
  const stepped = frame.event?.actorId === a.id;
  const ran = a.ran;
  const ranHere = ran !== null && top !== undefined && ran.fn === top.fn;
  const onFinding = ran !== null && findingStep === ran.step;

  // The actor that just stepped, or the one whose finding was clicked: bring its marked line
  // into view in the panes around the card (scrolling them, never the page).
  useLayoutEffect(() => {
    const c = card.current;
    if (!c || !(stepped || onFinding)) return;
    const line =
      c.querySelector<HTMLElement>(onFinding ? "[data-ran]" : "[data-next]") ??
      c.querySelector<HTMLElement>("[data-ran], .ran-elsewhere") ??
      c;
    revealInPanes(line, c);
  }, [stepped, onFinding, frame.step]);

  return (
    <article
      ref={card}
      data-stepped={stepped || undefined}
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
      {ran && !ranHere && (
        <p
          className={`ran-elsewhere${onFinding ? " finding" : ""}`}
          data-testid={`actor-${a.name}-ran`}
        >
          <span className="mark mark-ran">{onFinding ? "⚑" : "✓"} ran</span>{" "}
          <span className="where">
            step {ran.step} in {ran.fn}
            <SourceRef
              source={sources[ran.fn]}
              fn={ran.fn}
              pc={ran.pc}
              testId={`actor-${a.name}-ran-src`}
            />
            :
          </span>{" "}
          <code>{listings[ran.fn]?.[ran.pc] ?? ""}</code>
        </p>
      )}
      {top && (
        <>
          <FnSourceLink
            fn={top.fn}
            source={sources[top.fn]}
            testId={`actor-${a.name}-src`}
          />
          <Listing
            fn={top.fn}
            pc={top.pc}
            ranPc={ranHere ? ran.pc : null}
            ranStep={ran?.step ?? null}
            finding={onFinding && ranHere}
            lines={listings[top.fn] ?? []}
            source={sources[top.fn]}
            others={frame.code.filter(
              (o) => o.id !== a.id && o.stack.at(-1)?.fn === top.fn,
            )}
            name={a.name}
            step={frame.step}
          />
        </>
      )}
      {a.locals.length > 0 && <Locals name={a.name} locals={a.locals} />}
    </article>
  );
}

/** Keeps `el` inside `box`'s visible part, scrolling only the box (never the page). */
function reveal(box: HTMLElement, el: HTMLElement | null) {
  if (!el) return;
  const b = box.getBoundingClientRect();
  const r = el.getBoundingClientRect();
  const pad = Math.min(r.height, b.height / 4);
  if (r.top < b.top + pad) box.scrollTop -= b.top + pad - r.top;
  else if (r.bottom > b.bottom - pad)
    box.scrollTop += r.bottom - b.bottom + pad;
}

/**
 * Keeps `el` visible in every scrolling pane between it and the workspace: the code box has
 * scrolled already, so start at the card (`from`) and walk up.
 */
function revealInPanes(el: HTMLElement, from: HTMLElement) {
  for (
    let p = from.parentElement;
    p && p !== document.body;
    p = p.parentElement
  ) {
    if (p.classList.contains("workspace")) break;
    const o = getComputedStyle(p).overflowY;
    if ((o === "auto" || o === "scroll") && p.scrollHeight > p.clientHeight)
      reveal(p, el);
  }
}

function Listing({
  fn,
  pc,
  ranPc,
  ranStep,
  finding,
  lines,
  source,
  others,
  name,
  step,
}: {
  fn: string;
  pc: number;
  ranPc: number | null;
  ranStep: number | null;
  finding: boolean;
  lines: string[];
  source: FnSource | undefined;
  others: ActorCode[];
  name: string;
  step: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const at = new Map<number, string[]>();
  for (const o of others) {
    const p = o.stack.at(-1)!.pc;
    at.set(p, [...(at.get(p) ?? []), o.name]);
  }
  const numbered = source?.tag && source.lines.some((l) => l !== null);

  // Follow the cursor: the line that ran, then the next one (which wins when both cannot show);
  // a finding's line wins over both.
  useLayoutEffect(() => {
    const b = box.current;
    if (!b) return;
    const line = (i: number | null) =>
      i === null ? null : b.querySelector<HTMLElement>(`[data-pc="${i}"]`);
    if (finding) {
      reveal(b, line(ranPc));
      return;
    }
    reveal(b, line(ranPc));
    reveal(b, line(pc));
  }, [fn, pc, ranPc, finding, step]);

  return (
    <div
      className="code-box"
      ref={box}
      tabIndex={0}
      data-testid={`actor-${name}-code`}
      aria-label={`${fn}, the whole function; ${name}'s lines are marked`}
    >
      <ol className="code-listing">
        {lines.map((text, i) => {
          const mine = i === pc;
          const ran = i === ranPc;
          const theirs = at.get(i);
          const kline = source?.tag ? source.lines[i] : null;
          const marks = [
            ran && (finding ? "⚑" : "✓"),
            mine && "▶",
            !mine && !ran && theirs && "◆",
          ]
            .filter(Boolean)
            .join("");
          const cls = [
            mine && "next",
            ran && "ran",
            ran && finding && "finding",
            theirs && "other",
          ]
            .filter(Boolean)
            .join(" ");
          return (
            <li
              key={i}
              data-pc={i}
              className={cls || undefined}
              aria-current={mine ? "step" : undefined}
              data-next={mine || undefined}
              data-ran={ran || undefined}
              data-testid={
                mine
                  ? `actor-${name}-line`
                  : ran
                    ? `actor-${name}-ran`
                    : undefined
              }
            >
              <span className="gutter" aria-hidden={!marks}>
                {marks}
              </span>
              <span className="kline">
                {numbered &&
                  kline !== null &&
                  kline !== undefined &&
                  source?.tag && (
                    <a
                      href={elixirLine(source.tag, kline)}
                      target="_blank"
                      rel="noreferrer"
                      title={`mm/slub.c line ${kline} at ${source.tag}${source.unchanged ? " (this variant never shipped; the function is modelled unchanged from that release)" : ""}`}
                    >
                      {kline}
                    </a>
                  )}
              </span>
              <span className="body">
                <code>{text}</code>
                {ran && ranStep !== null && (
                  <span className="tag tag-ran">
                    {finding ? " ⚑ finding, " : " ✓ "}ran at step {ranStep}
                  </span>
                )}
                {mine && <span className="tag tag-next"> ▶ next</span>}
                {theirs && (
                  <span className="others"> ◆ {theirs.join(", ")}</span>
                )}
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

/** Where a function's lines come from, as a link: the tag's source, or the posting. */
function FnSourceLink({
  fn,
  source,
  testId,
}: {
  fn: string;
  source: FnSource | undefined;
  testId: string;
}) {
  if (!source) return null;
  let link: ReactNode = null;
  if (source.tag) {
    const title = source.unchanged
      ? `This variant never shipped. ${fn} is modelled unchanged from mainline ${source.tag}, so this leads to its definition there.${source.patch ? ` The variant comes from: ${source.patch.title}` : ""}`
      : `${fn} in mainline ${source.tag}: its definition in a source browser at that tag`;
    link = (
      <a
        href={elixirIdent(source.tag, fn)}
        target="_blank"
        rel="noreferrer"
        title={title}
        data-testid={testId}
      >
        {fn} @ {source.tag}
        {source.unchanged ? " (unchanged)" : ""} ↗
      </a>
    );
  } else if (source.patch) {
    link = (
      <a
        href={source.patch.url}
        target="_blank"
        rel="noreferrer"
        title={`This variant never shipped and ${fn} differs from mainline here: its lines paraphrase the posting "${source.patch.title}"; no mainline line numbers.`}
        data-testid={testId}
      >
        from the posting: {source.patch.title} ↗
      </a>
    );
  }
  return link ? <p className="fn-src">{link}</p> : null;
}

/** A step's mainline line, next to a line shown out of its listing. */
function SourceRef({
  source,
  fn,
  pc,
  testId,
}: {
  source: FnSource | undefined;
  fn: string;
  pc: number;
  testId: string;
}) {
  const line = source?.tag ? source.lines[pc] : null;
  if (!source?.tag || line === null || line === undefined) return null;
  return (
    <>
      {" "}
      <a
        href={elixirLine(source.tag, line)}
        target="_blank"
        rel="noreferrer"
        title={`${fn}: mm/slub.c line ${line} at ${source.tag}`}
        data-testid={testId}
      >
        L{line}
      </a>
    </>
  );
}

function Locals({ name, locals }: { name: string; locals: LocalView[] }) {
  return (
    <dl className="locals" aria-label={`${name}'s locals`}>
      {locals.map((l) => (
        <div
          key={l.name}
          className="local"
          data-testid={`actor-${name}-local-${l.name}`}
        >
          <dt>{l.name}</dt>
          <dd>
            <LocalValueView value={l.value} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** At most this many chips for a list local; the rest are counted. */
const MAX_CHIPS = 6;

export function LocalValueView({ value: v }: { value: LocalValue }) {
  const perSlab = useAppStore((s) => s.scenario?.objectsPerSlab ?? 1);
  const obj = (o: number) => `P${Math.floor(o / perSlab)}#${o % perSlab}`;
  switch (v.kind) {
    case "page":
      return (
        <Chip target={{ slabs: [v.page], objects: [] }} text={`P${v.page}`} />
      );
    case "object":
      return (
        <Chip target={{ slabs: [], objects: [v.obj] }} text={obj(v.obj)} />
      );
    case "pages":
    case "objects": {
      const ids = v.kind === "pages" ? v.pages : v.objs;
      if (ids.length === 0) return <span className="val">[ ]</span>;
      return (
        <span className="val">
          {ids.slice(0, MAX_CHIPS).map((x, i) => (
            <Chip
              key={i}
              target={
                v.kind === "pages"
                  ? { slabs: [x], objects: [] }
                  : { slabs: [], objects: [x] }
              }
              text={v.kind === "pages" ? `P${x}` : obj(x)}
            />
          ))}
          {ids.length > MAX_CHIPS && ` +${ids.length - MAX_CHIPS}`}
        </span>
      );
    }
    case "cpu":
      return <span className="val">cpu {v.cpu}</span>;
    case "node":
      return <span className="val">node {v.node}</span>;
    case "counters":
      return (
        <span className="val">
          inuse {v.inuse}/{v.objects}
          {v.frozen ? ", frozen" : ""}
        </span>
      );
    case "number":
      return <span className="val">{v.value}</span>;
    case "bool":
      return <span className="val">{v.value ? "true" : "false"}</span>;
    case "null":
      return <span className="val null">NULL</span>;
    case "text":
      return <span className="val">{v.text}</span>;
  }
}

/**
 * A slab or an object named by a local: hovering or focusing it lights it up in the state
 * diagram, clicking marks it there (as a finding's slabs are marked).
 */
function Chip({ target, text }: { target: Highlight; text: string }) {
  const session = useSession();
  const hovering = useRef(false);
  const store = session.store;
  const enter = () => {
    hovering.current = true;
    store.getState().setHover(target);
  };
  const leave = () => {
    if (!hovering.current) return;
    hovering.current = false;
    store.getState().setHover(null);
  };
  // A chip that goes away under the pointer (the frame moved on) must not leave its light on.
  useEffect(
    () => () => {
      if (hovering.current) store.getState().setHover(null);
    },
    [store],
  );
  const kind = target.slabs.length > 0 ? "slab" : "object";
  return (
    <button
      type="button"
      className={`chip chip-${kind}`}
      data-kind={kind}
      title={`Hover to light up ${text} in the state view; click to mark it there`}
      onMouseEnter={enter}
      onMouseLeave={leave}
      onFocus={enter}
      onBlur={leave}
      onClick={() => {
        const s = store.getState();
        s.setHighlight({
          slabs: [...target.slabs],
          objects: [...target.objects],
        });
        if (target.slabs.length === 1) s.selectSlab(target.slabs[0]!);
      }}
    >
      {text}
    </button>
  );
}
