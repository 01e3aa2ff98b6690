import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  runSession,
  start,
  StepRefused,
  VARIANT_NAMES,
  VARIANTS,
  type Scenario,
} from "../engine";
import doubleFreeText from "../cli/fixtures/double-free.json?raw";
import invalidText from "../cli/fixtures/invalid.json?raw";
import twoCpusText from "../cli/fixtures/two-cpus.json?raw";
import readme from "../../README.md?raw";
import { defaultScenario } from "./library/default";
import { MAX_ERRORS, parseScenario, parseScenarioText } from "./schema";

const valid = (): Scenario => ({
  format: "slabscope/scenario",
  version: 1,
  title: "two tasks",
  kernel: { variant: "v5.15", cpus: 2 },
  cache: { objects: 4 },
  actors: [
    { name: "A", kind: "task", cpu: 0, ops: [{ kind: "alloc", slot: "a" }] },
    { name: "B", kind: "task", cpu: 1, ops: [{ kind: "free", slot: "a" }] },
  ],
  schedule: { steps: ["A*3", "B@1*2"] },
});

// Test inputs are edited into shapes no type describes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

/** The valid scenario with changes; `edit` mutates a copy. */
function variant(edit: (s: Loose) => void): unknown {
  const s: Loose = structuredClone(valid());
  edit(s);
  return s;
}

function errorsOf(input: unknown): string[] {
  const r = parseScenario(input);
  if (r.ok) throw new Error("expected the scenario to be rejected");
  return r.errors;
}

describe("parseScenario accepts", () => {
  it("the CLI fixtures, unchanged", () => {
    for (const text of [twoCpusText, doubleFreeText]) {
      const r = parseScenarioText(text);
      expect(r).toEqual({ ok: true, scenario: JSON.parse(text) });
    }
  });

  it("the library's default scenario", () => {
    expect(parseScenario(defaultScenario)).toEqual({
      ok: true,
      scenario: defaultScenario,
    });
  });

  it("every optional field, and schedule entries naming the kernel's own contexts", () => {
    const r = parseScenario(
      variant((s) => {
        s.description = "all of it";
        s.kernel = {
          variant: "v5.15",
          preemptRt: true,
          cpuPartial: false,
          debugVm: true,
          lockdep: false,
          cpus: 2,
          nodes: 2,
          pagePool: 32,
          fixes: ["tid-on-deactivation"],
        };
        s.cache = {
          name: "kmalloc-128",
          objectSize: 128,
          objects: 8,
          cpuPartial: 0,
          minPartial: 0,
        };
        s.prepare = [{ cpu: 1, op: { kind: "alloc", slot: "p", node: 1 } }];
        s.actors.push({
          name: "hp",
          kind: "hotplug",
          cpu: 0,
          pinned: false,
          ops: [
            { kind: "cpuOffline", cpu: 1 },
            { kind: "cpuOnline", cpu: 1 },
            { kind: "flushAll" },
            { kind: "shrink" },
            { kind: "allocPageCache", slot: "pg" },
            { kind: "freePageCache", slot: "pg" },
            { kind: "alloc", slot: "x.y-z_9", gfp: "GFP_ATOMIC" },
            { kind: "free", slot: "x.y-z_9", keep: true },
          ],
        });
        s.schedule = {
          steps: ["kworker/1", "ipi/0@0*2", "hp"],
          rest: "stop",
        };
        s.narration = [{ step: 0, text: "" }];
        s.cursor = 12;
      }),
    );
    expect(r.ok).toBe(true);
  });

  it("the README's example, without its comments", () => {
    const section = readme.slice(readme.indexOf("## Scenario format"));
    const example = /```jsonc\n([^]*?)```/
      .exec(section)![1]!
      .replace(/\s\/\/.*$/gm, "")
      .replace(/,(\s*[}\]])/g, "$1");
    expect(parseScenarioText(example)).toMatchObject({ ok: true });
  });

  it("a UTF-8 byte order mark before the JSON", () => {
    expect(parseScenarioText(`\uFEFF${twoCpusText}`).ok).toBe(true);
  });
});

describe("parseScenario rejects", () => {
  it("the invalid fixture, naming every problem", () => {
    expect(parseScenarioText(invalidText)).toEqual({
      ok: false,
      errors: [
        "kernel.preempt: unknown key",
        "actors[0].ops[0].slot: expected 1-32 characters of A-Z a-z 0-9 _ . -",
        "actors[0].cpu: kernel.cpus is 2: CPUs are numbered 0 to 1",
        'schedule.steps[1]: no actor named "ghost" (actors: producer; kernel contexts: kworker/N and ipi/N for each CPU N)',
      ],
    });
  });

  const cases: [string, unknown, string[]][] = [
    ["null", null, ["(root): expected an object, got null"]],
    ["an array", [valid()], ["(root): expected an object, got an array"]],
    [
      "a string",
      "scenario",
      ['(root): expected an object, got the string "scenario"'],
    ],
    ["a number", 42, ["(root): expected an object, got 42"]],
    ["an unknown key", variant((s) => (s.extra = 1)), ["extra: unknown key"]],
    [
      "unknown keys inside",
      variant((s) => {
        s.kernel.preempt_rt = true;
        s.actors[1].ops[0].count = 2;
      }),
      ["kernel.preempt_rt: unknown key", "actors[1].ops[0].count: unknown key"],
    ],
    [
      "keys that look like object internals",
      JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1}'),
      [
        'format: missing, expected "slabscope/scenario"',
        "version: missing, expected 1",
        "title: missing, expected a string",
        "kernel: missing, expected an object",
        "cache: missing, expected an object",
        "actors: missing, expected an array",
        "__proto__: unknown key",
        "constructor: unknown key",
      ],
    ],
    [
      "another format or version",
      variant((s) => {
        s.format = "slabscope/trace";
        s.version = 2;
      }),
      [
        'format: expected "slabscope/scenario", got the string "slabscope/trace"',
        "version: expected 1, got 2",
      ],
    ],
    [
      "an actor on a CPU the kernel does not have",
      variant((s) => (s.actors[1].cpu = 2)),
      ["actors[1].cpu: kernel.cpus is 2: CPUs are numbered 0 to 1"],
    ],
    [
      "a CPU beyond any kernel",
      variant((s) => (s.actors[1].cpu = 8)),
      ["actors[1].cpu: must be at most 7, got 8"],
    ],
    [
      "hotplug and prepare on missing CPUs, and a missing node",
      variant((s) => {
        s.prepare = [{ cpu: 3, op: { kind: "alloc", slot: "p", node: 1 } }];
        s.actors[0].ops = [{ kind: "cpuOffline", cpu: 2 }];
      }),
      [
        "prepare[0].cpu: kernel.cpus is 2: CPUs are numbered 0 to 1",
        "prepare[0].op.node: kernel.nodes is 1: nodes are numbered 0 to 0",
        "actors[0].ops[0].cpu: kernel.cpus is 2: CPUs are numbered 0 to 1",
      ],
    ],
    [
      "too many CPUs, and not an integer",
      variant((s) => {
        s.kernel.cpus = 9;
        s.cache.objects = 1.5;
      }),
      [
        "kernel.cpus: must be at most 8, got 9",
        "cache.objects: expected an integer, got 1.5",
      ],
    ],
    [
      "a schedule naming an unknown actor or CPU",
      variant((s) => (s.schedule.steps = ["A", "C*2", "kworker/2", "B@2"])),
      [
        'schedule.steps[1]: no actor named "C" (actors: A, B; kernel contexts: kworker/N and ipi/N for each CPU N)',
        'schedule.steps[2]: no actor named "kworker/2" (actors: A, B; kernel contexts: kworker/N and ipi/N for each CPU N)',
        'schedule.steps[3]: "B@2": kernel.cpus is 2: CPUs are numbered 0 to 1',
      ],
    ],
    [
      "schedule entries outside the grammar",
      variant(
        (s) =>
          (s.schedule.steps = ["A**2", "A@", "", "A B", "A*0", "A*2000000", 7]),
      ),
      [
        'schedule.steps[0]: schedule entry "A**2" is not of the form name, name*N, name@CPU or name@CPU*N',
        'schedule.steps[1]: schedule entry "A@" is not of the form name, name*N, name@CPU or name@CPU*N',
        'schedule.steps[2]: schedule entry "" is not of the form name, name*N, name@CPU or name@CPU*N',
        'schedule.steps[3]: schedule entry "A B" is not of the form name, name*N, name@CPU or name@CPU*N',
        'schedule.steps[4]: schedule entry "A*0": repeat count out of range',
        'schedule.steps[5]: schedule entry "A*2000000": repeat count out of range',
        "schedule.steps[6]: expected a string, got 7",
      ],
    ],
    [
      "an unknown schedule rest",
      variant((s) => (s.schedule.rest = "random")),
      [
        'schedule.rest: expected one of "round-robin", "stop", got the string "random"',
      ],
    ],
    [
      "actor names twice, reserved, or unusable in a schedule",
      variant((s) => {
        s.schedule = undefined;
        s.actors.push(
          { name: "A", kind: "irq", cpu: 0, ops: [] },
          { name: "kworker/0", kind: "task", cpu: 0, ops: [] },
          { name: "my task", kind: "task", cpu: 0, ops: [] },
          { name: "x".repeat(33), kind: "task", cpu: 0, ops: [] },
        );
      }),
      [
        "actors[3].name: kworker/N, ipi/N and prepare/N are the kernel's own contexts",
        "actors[4].name: must not contain @, *, > or white space (schedule entries name actors)",
        "actors[5].name: must be at most 32 characters long",
        'actors[2].name: "A" is also the name of actors[0]',
      ],
    ],
    [
      "an unknown kernel variant",
      variant((s) => (s.kernel.variant = "v6.1")),
      [
        `kernel.variant: expected one of ${VARIANT_NAMES.map((n) => `"${n}"`).join(", ")}, got the string "v6.1"`,
      ],
    ],
    [
      "PREEMPT_RT on a variant that cannot be built with it",
      variant((s) => {
        s.kernel.variant = "v5.14";
        s.kernel.preemptRt = true;
      }),
      [
        `kernel.preemptRt: v5.14 cannot be built with PREEMPT_RT (variants that can: ${VARIANT_NAMES.filter(
          (n) => VARIANTS[n].rtCapable,
        ).join(", ")})`,
      ],
    ],
    [
      "an unknown fix",
      variant((s) => (s.kernel.fixes = ["all-of-them"])),
      [
        'kernel.fixes[0]: expected "tid-on-deactivation", got the string "all-of-them"',
      ],
    ],
    [
      "operations the kernel queues itself, unknown operations and bad slots",
      variant((s) => {
        s.actors[0].ops = [
          { kind: "flushCpuSlabWork", requester: 0 },
          { kind: "kfree", slot: "a" },
          {},
          { kind: "alloc", slot: "" },
          { kind: "alloc", slot: "a/b", gfp: "GFP_NOWAIT" },
          { kind: "free", slot: "s".repeat(33) },
          null,
        ];
      }),
      [
        'actors[0].ops[0].kind: "flushCpuSlabWork" is queued by the kernel itself, not by a scenario',
        'actors[0].ops[1].kind: expected one of "alloc", "free", "flushAll", "shrink", "cpuOffline", "cpuOnline", "allocPageCache", "freePageCache", "destroy", "memoryOffline", "kmallocNolock", "kfreeNolock", "kfreeRcu", "prefillSheaf", "allocFromSheaf", "returnSheaf", "kvfreeRcuBarrier", "rcuGracePeriod", "isolateMigratepages", "allocBulk", "freeBulk", "prefill", "write", got the string "kfree"',
        'actors[0].ops[2].kind: missing, expected one of "alloc", "free", "flushAll", "shrink", "cpuOffline", "cpuOnline", "allocPageCache", "freePageCache", "destroy", "memoryOffline", "kmallocNolock", "kfreeNolock", "kfreeRcu", "prefillSheaf", "allocFromSheaf", "returnSheaf", "kvfreeRcuBarrier", "rcuGracePeriod", "isolateMigratepages", "allocBulk", "freeBulk", "prefill", "write"',
        "actors[0].ops[3].slot: expected 1-32 characters of A-Z a-z 0-9 _ . -",
        "actors[0].ops[4].slot: expected 1-32 characters of A-Z a-z 0-9 _ . -",
        'actors[0].ops[4].gfp: expected one of "GFP_KERNEL", "GFP_ATOMIC", got the string "GFP_NOWAIT"',
        "actors[0].ops[5].slot: expected 1-32 characters of A-Z a-z 0-9 _ . -",
        "actors[0].ops[6]: expected an object, got null",
      ],
    ],
    [
      "too many actors, operations and schedule entries",
      variant((s) => {
        s.actors[0].ops = Array.from({ length: 201 }, () => ({
          kind: "shrink",
        }));
        s.schedule.steps = Array.from({ length: 100_001 }, () => "A");
      }),
      [
        "actors[0].ops: must have at most 200 entries",
        "schedule.steps: must have at most 100000 entries",
      ],
    ],
    [
      "no actors",
      { ...valid(), actors: [] },
      ["actors: must have at least 1 entry"],
    ],
    [
      "seventeen actors",
      variant((s) => {
        s.schedule = undefined;
        s.actors = Array.from({ length: 17 }, (_, i) => ({
          name: `t${i}`,
          kind: "task",
          cpu: 0,
          ops: [],
        }));
      }),
      ["actors: must have at most 16 entries"],
    ],
    [
      "long narration, a negative cursor, an empty title",
      variant((s) => {
        s.title = "";
        s.narration = [{ step: -1, text: "n".repeat(2001) }];
        s.cursor = -1;
      }),
      [
        "title: must not be empty",
        "narration[0].step: must be at least 0, got -1",
        "narration[0].text: must be at most 2000 characters long",
        "cursor: must be at least 0, got -1",
      ],
    ],
    [
      "deeply nested junk",
      {
        title: [[[[[[[[{ deeper: [[[["x"]]]] }]]]]]]]],
        kernel: {
          variant: "v5.15",
          cpus: 2,
          x: { y: { z: [1, { w: null }] } },
        },
        cache: "kmalloc-64",
        actors: { 0: { name: "A" } },
      },
      [
        'format: missing, expected "slabscope/scenario"',
        "version: missing, expected 1",
        "title: expected a string, got an array",
        "kernel.x: unknown key",
        'cache: expected an object, got the string "kmalloc-64"',
        "actors: expected an array, got an object",
      ],
    ],
  ];

  it("narration out of step order", () => {
    const input = variant(
      (s) =>
        (s.narration = [
          { step: 5, text: "b" },
          { step: 5, text: "c" },
          { step: 2, text: "a" },
        ]),
    );
    expect(errorsOf(input)).toEqual([
      "narration[2].step: 2 comes after step 5 of narration[1]: narration must be in step order",
    ]);
  });

  it.each(cases)("%s", (_, input, expected) => {
    expect(errorsOf(input)).toEqual(expected);
  });

  it("lists at most MAX_ERRORS problems and counts the rest", () => {
    const errors = errorsOf(
      variant(
        (s) =>
          (s.schedule.steps = Array.from(
            { length: 250 },
            (_, i) => `nobody${i}`,
          )),
      ),
    );
    expect(errors).toHaveLength(MAX_ERRORS + 1);
    expect(errors.at(-1)).toBe("... and 150 more");
  });

  it("text that is too large, before parsing it", () => {
    expect(parseScenarioText("x".repeat(11), 10)).toEqual({
      ok: false,
      errors: ["scenario is too large: the limit is 10 bytes"],
    });
    // Counted in UTF-8 bytes, not characters: 6 characters, 12 bytes.
    expect(parseScenarioText('"éééé"', 10).ok).toBe(false);
    const padded = twoCpusText + " ".repeat(1_000_000);
    expect(parseScenarioText(padded)).toEqual({
      ok: false,
      errors: ["scenario is too large: the limit is 1000000 bytes"],
    });
  });

  it.each([
    ["", "not valid JSON: Unexpected end of JSON input"],
    ["{", "not valid JSON: "],
    ["{'format': 1}", "not valid JSON: "],
    ['{"title": "t",}', "not valid JSON: "],
    ["undefined", "not valid JSON: "],
  ])("text that is not JSON: %j", (text, start) => {
    const r = parseScenarioText(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]!.startsWith(start)).toBe(true);
    }
  });

  it("JSON nested thousands of levels deep, without throwing", () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    expect(parseScenarioText(deep)).toEqual({
      ok: false,
      errors: [
        "the JSON nests more than 64 levels deep (a scenario nests about 6)",
      ],
    });
    const inKey = `{"title": ${"[".repeat(5000)}${"]".repeat(5000)}}`;
    expect(parseScenarioText(inKey).ok).toBe(false);
  });
});

describe("parseScenario on arbitrary input", () => {
  it("never throws, and every error names a path", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = parseScenario(v);
        if (!r.ok)
          for (const e of r.errors)
            expect(e).toMatch(/^(\(root\)|[\w$[]|\.\.\. and)/);
      }),
    );
  });

  // Mutations of a valid scenario: replace one field (at any depth) by arbitrary JSON. Whatever
  // the schema accepts, the engine must load and run; only a prepared operation that cannot run
  // on the chosen kernel may be refused.
  it("what it accepts, the engine runs", () => {
    const base = structuredClone(valid()) as unknown;
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, path: (string | number)[]) => {
      paths.push(path);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
      else if (v && typeof v === "object")
        for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    walk(base, []);
    const small = fc.oneof(
      fc.integer({ min: -2, max: 10 }),
      fc.constantFrom(
        "A",
        "B",
        "a",
        "v5.14",
        "A*2",
        "kworker/0",
        "cpuOffline",
        "alloc",
        true,
        false,
        null,
      ),
      fc.jsonValue({ maxDepth: 2 }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...paths.slice(1)), small, (path, value) => {
        const s = structuredClone(base) as Record<string | number, unknown>;
        let at: Record<string | number, unknown> = s;
        for (const k of path.slice(0, -1))
          at = at[k] as Record<string | number, unknown>;
        at[path.at(-1)!] = value;
        const r = parseScenario(s);
        if (!r.ok) return;
        try {
          runSession(start(r.scenario), { maxSteps: 2000 });
        } catch (e) {
          if (!(e instanceof StepRefused)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("deeply nested JSON", () => {
  const nested = (n: number) =>
    `{"title":${"[".repeat(n)}${"]".repeat(n)},"x":1}`;

  it("is refused before anything walks it, at any depth", () => {
    for (const text of [nested(64), nested(200_000)])
      expect(parseScenarioText(text)).toEqual({
        ok: false,
        errors: [
          "the JSON nests more than 64 levels deep (a scenario nests about 6)",
        ],
      });
  });

  it("up to the limit is validated as usual", () => {
    const r = parseScenarioText(nested(63));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join("\n")).not.toMatch(/nests more than/);
    expect(parseScenario(defaultScenario).ok).toBe(true);
  });
});
