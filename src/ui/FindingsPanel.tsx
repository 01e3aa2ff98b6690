/**
 * The findings so far at the cursor, written the way the kernel would log them. Clicking one
 * seeks to the step where it showed up and makes the state view stand out its slabs and objects.
 */
import { useAppStore, useSession } from "../store/react";
import type { Finding } from "../engine";
import type { Frame, TimelineSummary } from "../worker/protocol";

/**
 * How the kernel's report would start, for findings whose message is only the detail (the
 * engine's lockdep and KASAN-like messages are whole lines: form "log").
 */
const KERNEL_PREFIX: Record<Finding["code"], string> = {
  "uaf-slab": "BUG: use of a freed slab page",
  "double-alloc": "BUG: object handed out twice",
  "double-free": "BUG: double free",
  "freelist-corrupt": "BUG: freelist corrupted",
  "object-leak": "BUG: objects leaked",
  "slab-lost": "BUG: slab lost",
  "list-corrupt": "list_add corruption",
  "vm-bug-on": "kernel BUG at mm/slub.c (VM_BUG_ON)",
  "lockdep-circular": "WARNING: possible circular locking dependency detected",
  "lockdep-recursion": "WARNING: possible recursive locking detected",
  "lockdep-irq-unsafe": "WARNING: inconsistent lock state",
  "sleep-in-atomic": "BUG: sleeping function called from invalid context",
  deadlock: "INFO: task blocked forever (deadlock)",
  "preempt-leak": "BUG: scheduling while atomic (preempt count leaked)",
  "cmpxchg16b-misaligned": "general protection fault (cmpxchg16b misaligned)",
  "bad-page-state": "BUG: Bad page state",
  "use-after-free": "BUG: KASAN: slab-use-after-free",
  oops: "BUG: kernel NULL pointer dereference",
};

/**
 * The finding as the kernel would log it: the kernel's own line as it is, a detail behind the
 * header of its code, and the model's own report (something the kernel would not log) as it is,
 * never dressed up as a kernel report. The form is set where the finding is made.
 */
export function kernelLine(
  f: Pick<Finding, "code" | "message" | "form">,
): string {
  if (f.form !== "detail") return f.message;
  return `${KERNEL_PREFIX[f.code] ?? f.code}: ${f.message}`;
}

/** The cursor where finding `f` first shows, from the scrubber's marks. */
function cursorOf(f: Finding, summary: TimelineSummary | null): number {
  const m = summary?.findings.find(
    (x) => x.code === f.code && x.message === f.message && x.actor === f.actor,
  );
  return m ? m.cursor : f.step + 1;
}

export function FindingsPanel({
  frame,
  summary,
  testId = "findings",
}: {
  frame: Frame;
  summary: TimelineSummary | null;
  testId?: string;
}) {
  const session = useSession();
  const later = (summary?.findings.length ?? 0) - frame.findingsTotal;
  const highlight = useAppStore((s) => s.selection.highlight);
  const perSlab = useAppStore((s) => s.scenario?.objectsPerSlab ?? 1);
  const open = async (f: Finding) => {
    session.pause();
    await session.seek(cursorOf(f, summary));
    session.store.getState().setHighlight({
      slabs: [...f.slabs],
      objects: [...f.objects],
      finding: { actor: f.actor, step: f.step },
    });
    // The finding's line is in the code pane: on narrow screens its tab takes over.
    session.store.getState().setSideTab("code");
  };
  return (
    <section
      className="findings-panel"
      aria-label="findings"
      data-testid={testId}
    >
      <h3>Findings</h3>
      {frame.findingsTotal === 0 ? (
        <p>none</p>
      ) : (
        <ul>
          {frame.findingsTotal > frame.findings.length && (
            <li>
              … {frame.findingsTotal - frame.findings.length} earlier findings
            </li>
          )}
          {frame.findings.map((f, i) => (
            <li key={i}>
              <button
                type="button"
                className={`finding code-${f.code}`}
                data-testid={`finding-${i}`}
                title="Go to this step and mark its slabs and objects"
                onClick={() => void open(f)}
              >
                {/* The step after which it shows: the counter's and the timeline's numbering. */}
                <span className="when">[step {cursorOf(f, summary)}]</span>{" "}
                <span className="who">{f.actor ?? "kernel"}</span>{" "}
                <span className="code">{f.code}</span>
                <code className="dmesg">{kernelLine(f)}</code>
              </button>
            </li>
          ))}
        </ul>
      )}
      {highlight && (
        <p className="marked" data-testid={`${testId}-marked`}>
          Marked in the state view:{" "}
          {[
            ...highlight.slabs.map((p) => `P${p}`),
            ...highlight.objects.map(
              (o) => `P${Math.floor(o / perSlab)}#${o % perSlab}`,
            ),
          ].join(", ") || "nothing"}{" "}
          <button
            type="button"
            onClick={() => session.store.getState().setHighlight(null)}
          >
            Clear
          </button>
        </p>
      )}
      {later > 0 && (
        <p className="later">
          {later} more later in the trace (press . to go to the next one).
        </p>
      )}
    </section>
  );
}
