import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { main } from "./cli";

const TWO_CPUS = "src/cli/fixtures/two-cpus.json";
const twoCpus = JSON.parse(readFileSync(TWO_CPUS, "utf8"));

describe("cli share links", () => {
  it("encode prints a fragment that decode turns back into the scenario", () => {
    const e = main(["encode", TWO_CPUS]);
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/^s=1\.[A-Za-z0-9_-]+\n$/);
    const d = main(["decode", `https://slabscope.example/#${e.stdout.trim()}`]);
    expect(d.code).toBe(0);
    expect(JSON.parse(d.stdout)).toEqual(twoCpus);
  });

  it("decode puts the link's cursor into the scenario", () => {
    const link = readFileSync("src/share/fixtures/v1-two-cpus.link", "utf8");
    const d = main(["decode", link.trim()]);
    expect(JSON.parse(d.stdout)).toEqual({ ...twoCpus, cursor: 12 });
  });

  it("run takes a link and prints what running the file prints", () => {
    const link = main(["encode", TWO_CPUS]).stdout.trim();
    const fromLink = main(["run", `#${link}`, "--json"]);
    const fromFile = main(["run", TWO_CPUS, "--json"]);
    expect(fromLink.code).toBe(0);
    expect(fromLink.stdout).toBe(fromFile.stdout);
    // And the kernel options apply to a link as to a file.
    const v514 = main(["run", link, "--kernel", "v5.14", "--json"]);
    expect(JSON.parse(v514.stdout).kernel).toBe("v5.14");
  });

  it("encode takes a library id", () => {
    const e = main(["encode", "r1-put-cpu-partial-stale-page"]);
    expect(e.code).toBe(0);
    const d = JSON.parse(main(["decode", e.stdout.trim()]).stdout);
    expect(d.title).toMatch(/Jann Horn/);
  });

  it("a bad link is invalid input, with the reason", () => {
    for (const [link, why] of [
      ["#s=1.abc$", /malformed base64url/],
      ["#s=9.AAAA", /unknown link version 9/],
      ["#s=1.AAAAAAAA", /corrupt compressed data/],
    ] as const) {
      for (const cmd of ["decode", "run"]) {
        const r = main([cmd, link]);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr).toMatch(/^slabscope: link: /);
        expect(r.stderr).toMatch(why);
      }
    }
  });

  it("refuses options it does not take", () => {
    expect(main(["encode", TWO_CPUS, "--json"]).stderr).toMatch(
      /encode takes no options/,
    );
    expect(main(["decode"]).stderr).toMatch(/decode: missing the link/);
  });
});
