/** The `explore` command: output, options, and the worker threads. */
import { describe, expect, it } from "vitest";
import { main, runCli } from "./cli";
import { decodeShare } from "../share/codec";

describe("explore", () => {
  it("prints the shrunk schedule, the bound and a link that opens it at the finding", () => {
    const r = main(["explore", "r18-missing-tid-bump"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^explored +\d+ schedules .* schedules\/s/m);
    expect(r.stdout).toMatch(/^bound +found at bound 2 /m);
    expect(r.stdout).toMatch(/^finding +step \d+ +object-leak /m);
    expect(r.stdout).toMatch(/^schedule +B\*5 A\*\d+ B A\*\d+$/m);
    expect(r.stdout).toMatch(/^replays +yes/m);
    const link = /^link +#(s=1\.\S+)$/m.exec(r.stdout)![1]!;
    const d = decodeShare(link);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.scenario.schedule?.rest).toBe("stop");
    // And the link's scenario, run as it is, produces the finding.
    const run = main(["run", link, "--json"]);
    const out = JSON.parse(run.stdout) as { findings: { code: string }[] };
    expect(out.findings[0]!.code).toBe("object-leak");
  });

  it("--json, --fixed: no finding within the bound, with the counts", () => {
    const r = main([
      "explore",
      "r18-missing-tid-bump",
      "--fixed",
      "--bound",
      "2",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({
      kernel: "v5.15",
      bound: 2,
      end: "exhausted",
      boundDone: 2,
      finding: null,
      schedule: null,
      internalErrors: { count: 0, first: [] },
    });
    expect(j.schedules).toBeGreaterThan(10);
    const text = main(["explore", "r18-missing-tid-bump", "--fixed"]);
    expect(text.stdout).toMatch(
      /^no finding within bound 3 \(\d+ schedules\)$/m,
    );
  });

  it("--code: only that finding counts", () => {
    const r = main([
      "explore",
      "s1-1-nmi-in-slab-alloc",
      "--code",
      "double-alloc",
      "--json",
    ]);
    const j = JSON.parse(r.stdout) as { finding: { code: string } };
    expect(j.finding.code).toBe("double-alloc");
  });

  it("--max-schedules stops the search and says where", () => {
    const r = main([
      "explore",
      "r1-put-cpu-partial-stale-page",
      "--fixed",
      "--max-schedules",
      "20",
    ]);
    expect(r.stdout).toMatch(
      /^no finding: stopped at the schedule limit \(20 schedules\) in bound \d; /m,
    );
  });

  it("refuses bad options", () => {
    expect(main(["explore"]).stderr).toMatch(/missing the scenario/);
    expect(main(["run", "r18-missing-tid-bump", "--bound", "2"]).code).toBe(2);
    expect(
      main(["explore", "r18-missing-tid-bump", "--bound", "11"]).stderr,
    ).toMatch(/--bound: expected a whole number from 0 to 10/);
    expect(
      main(["explore", "r18-missing-tid-bump", "--code", "nope"]).stderr,
    ).toMatch(/--code: unknown finding code "nope"/);
    expect(main(["explore", "r18-missing-tid-bump", "--seed", "1"]).code).toBe(
      2,
    );
  });

  it("--workers 2: the workers share the tree and agree with one thread", async () => {
    const one = JSON.parse(
      main(["explore", "r5-pfmemalloc-vm-bug-on", "--fixed", "--json"]).stdout,
    ) as { end: string; boundDone: number };
    const r = await runCli([
      "explore",
      "r5-pfmemalloc-vm-bug-on",
      "--fixed",
      "--workers",
      "2",
      "--json",
    ]);
    expect(r.stderr).toBe("");
    const two = JSON.parse(r.stdout) as {
      end: string;
      boundDone: number;
      workers: number;
      schedules: number;
    };
    expect(two.workers).toBe(2);
    expect(two.end).toBe(one.end);
    expect(two.boundDone).toBe(3);
    const found = JSON.parse(
      (
        await runCli([
          "explore",
          "r5-pfmemalloc-vm-bug-on",
          "--workers",
          "2",
          "--json",
        ])
      ).stdout,
    ) as { finding: { code: string }; replays: boolean };
    expect(found.finding.code).toBe("vm-bug-on");
    expect(found.replays).toBe(true);
  }, 60_000);
});
