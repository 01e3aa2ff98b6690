/** The step log's sentence for a frame: who took the step, where, and the kernel line. */
import type { Frame } from "../worker/protocol";

export function stepText(frame: Frame): string {
  const e = frame.event;
  if (!e) return `Step 0 of ${frame.total}: before the first step.`;
  const notes = e.notes.length > 0 ? ` (${e.notes.join(", ")})` : "";
  const found =
    e.findings.length > 0 ? ` Finding: ${e.findings.join(", ")}.` : "";
  return `Step ${frame.step} of ${frame.total}: ${e.actor} on cpu ${e.cpu} in ${e.fn}: ${e.line}${notes}.${found}`;
}
