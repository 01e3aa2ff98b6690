import { describe, expect, it } from "vitest";
import { ACTOR_KIND_NAMES, ACTOR_KINDS } from "../engine/actorKinds";
import type { TimelineSummary } from "../worker/protocol";
import { laneActors } from "./ActorLanes";

describe("the actor lanes", () => {
  it("give every actor kind its own place, kcompactd after the other kernel threads", () => {
    const orders = ACTOR_KIND_NAMES.map((k) => ACTOR_KINDS[k].laneOrder);
    expect(new Set(orders).size).toBe(orders.length);
    const kinds = ["kcompactd", "irq", "task", "kworker"] as const;
    const summary = {
      actors: kinds.map((kind, id) => ({ id, name: `a${id}`, kind, cpu: 0 })),
      history: { columns: 1, lanes: [1, 1, 1, 1] },
    } as unknown as TimelineSummary;
    expect(laneActors(summary).map((r) => r.kind)).toEqual([
      "task",
      "irq",
      "kworker",
      "kcompactd",
    ]);
  });
});
