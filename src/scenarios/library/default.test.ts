import { describe, expect, it } from "vitest";
import { runSession, start } from "../../engine";
import { defaultScenario } from "./default";

describe("the default scenario", () => {
  it("runs to the end without findings and shows what its narration says", () => {
    const events: { step: number; actor: string; line: string }[] = [];
    const r = runSession(start(defaultScenario), {
      onStep: (ev, m) =>
        events.push({
          step: ev.step,
          actor: m.actors[ev.actor]!.name,
          line: ev.line,
        }),
    });
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    const at = (step: number) => events.find((e) => e.step === step)!;
    expect(at(63).actor).toBe("irq");
    expect(at(103).line).toMatch(/^cmpxchg_double_slab/);
    expect(at(114).line).toMatch(/if \(unlikely\(c->page\)\)/);
    expect(r.machine.cpuSlab[1]!.partial).toBe(0);
    expect(r.machine.stats[1]!.cpu_partial_free).toBe(1);
    const steps = defaultScenario.narration!.map((n) => n.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });
});
