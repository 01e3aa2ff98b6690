import { readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ENGINE_ROOT, engineSourceFiles as files } from "./engineSources";

const ROOT = ENGINE_ROOT;

/** The engine's modules and what each imports at run time (type-only imports left out). */
function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of files(ROOT)) {
    const src = readFileSync(f, "utf8");
    const deps: string[] = [];
    for (const m of src.matchAll(
      /^(import|export)\s+(type\s+)?([^;]*?)\s+from\s+"(\.[^"]+)";/gms,
    )) {
      const names = m[3]!;
      const typeOnly =
        m[2] !== undefined ||
        (names.startsWith("{") &&
          names
            .slice(1, -1)
            .split(",")
            .map((x) => x.trim())
            .filter(Boolean)
            .every((x) => x.startsWith("type ")));
      if (typeOnly) continue;
      let to = normalize(join(dirname(f), m[4]!));
      to = files(ROOT).includes(`${to}.ts`) ? `${to}.ts` : join(to, "index.ts");
      deps.push(relative(ROOT, to));
    }
    g.set(relative(ROOT, f), deps);
  }
  return g;
}

describe("the engine's imports", () => {
  const g = graph();

  it("are read (the interpreter loads the features, run.ts builds kernels)", () => {
    expect(g.get("machine.ts")).toContain("features/index.ts");
    expect(g.get("run.ts")).toContain("kernel/index.ts");
  });

  it("have no cycle", () => {
    const state = new Map<string, 1 | 2>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 2) return;
      if (state.get(f) === 1) {
        cycles.push([...path.slice(path.indexOf(f)), f].join(" > "));
        return;
      }
      state.set(f, 1);
      for (const d of g.get(f) ?? []) visit(d, [...path, f]);
      state.set(f, 2);
    };
    for (const f of g.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it("reach the kernel tables only from where variants are built", () => {
    const outside = [...g.entries()]
      .filter(([f]) => !f.startsWith("kernel/") && !f.startsWith("features/"))
      .filter(([, deps]) => deps.some((d) => d.startsWith("kernel/")))
      .map(([f]) => f);
    expect(outside.sort()).toEqual(["index.ts", "run.ts"]);
  });
});
