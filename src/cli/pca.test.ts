import { describe, expect, it } from "vitest";
import { main } from "./cli";

const json = (...argv: string[]) => {
  const r = main([...argv, "--json"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
};

describe("the command line and the percpu array cache", () => {
  it("lists the S3 scenarios with their kernels and expectations", () => {
    const rows = JSON.parse(main(["list", "--json"]).stdout) as {
      id: string;
      kernel: string;
      fixedKernel?: string;
      expect: string[];
    }[];
    const s3 = rows.filter((r) => r.id.startsWith("s3-"));
    expect(s3.map((r) => [r.id, r.kernel, r.fixedKernel, r.expect])).toEqual([
      [
        "s3-1-pca-irq-free-leak",
        "v6.7-pca-rfc3",
        "v6.7-pca-rfc3-fixed",
        ["object-leak"],
      ],
      [
        "s3-2-pca-offline-destroy",
        "v6.7-pca-rfc3",
        "v6.7-pca-rfc3-fixed",
        ["object-leak"],
      ],
      ["s3-3-pca-refill-migrates", "v6.7-pca-rfc3", undefined, []],
      [
        "s3-4-rt-prefill-trylock-leak",
        "v6.7-pca-rfc3 +rt",
        "v6.7-pca-rfc3-fixed +rt",
        ["object-leak"],
      ],
      ["s3-5-pca-prefill-migrate", "v6.7-pca-rfc3", undefined, []],
      ["s3-6-pca-uaf-slub-debug", "v6.7-pca-rfc3", undefined, []],
      [
        "s3-alloc-bulk-returns-freed",
        "v6.7-pca-rfc3",
        "v6.7-pca-rfc3-fixed",
        ["double-alloc"],
      ],
    ]);
  });

  it("runs S3.1 on the RFC and on the fix, with the array's counters under their sysfs names", () => {
    const rfc = json("run", "s3-1-pca-irq-free-leak");
    expect(
      (rfc.findings as { code: string; step: number }[]).map((f) => [
        f.code,
        f.step,
      ]),
    ).toEqual([["object-leak", 46]]);
    expect(rfc.stats).toMatchObject({
      alloc_cpu_cache: 1,
      cpu_cache_refill: 4,
      free_cpu_cache: 1,
    });
    const fixed = json(
      "run",
      "s3-1-pca-irq-free-leak",
      "--kernel",
      "v6.7-pca-rfc3-fixed",
    );
    expect(fixed.findings).toEqual([]);
    expect(fixed.completed).toBe(true);
  });

  it("runs the bulk and prefill operations of a scenario file", () => {
    const r = main([
      "random",
      "src/cli/fixtures/pca-bulk.json",
      "--seed",
      "1",
      "--runs",
      "50",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/failing +0 runs/);
  });
});
