import { deflateSync } from "fflate";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Scenario } from "../engine";
import { library } from "../scenarios/library";
import { toBase64url, fromBase64url } from "./base64url";
import {
  decodeShare,
  encodeShare,
  MAX_DECODED_BYTES,
  SHARE_VERSION,
  type DecodeResult,
  type ShareView,
} from "./codec";
import { DICTIONARY_V1 } from "./dictionary";
import frozenV1Link from "./fixtures/v1-two-cpus.link?raw";
import twoCpusFile from "../cli/fixtures/two-cpus.json";

const twoCpus = twoCpusFile as unknown as Scenario;

/** A link from raw bytes, compressed with the version-1 dictionary as the app does. */
const linkOf = (text: string, version = 1) =>
  `#s=${version}.${toBase64url(deflateSync(new TextEncoder().encode(text), { dictionary: DICTIONARY_V1 }))}`;

const errorsOf = (r: DecodeResult): string[] => (r.ok ? [] : r.errors);

describe("base64url", () => {
  it("round-trips any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = toBase64url(bytes);
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(fromBase64url(text)).toEqual(bytes);
      }),
    );
  });
});

describe("share links", () => {
  it("round-trip a scenario and its view (property)", () => {
    const view: fc.Arbitrary<ShareView> = fc.record(
      {
        cursor: fc.nat({ max: 100_000 }),
        embed: fc.boolean(),
        actor: fc.stringMatching(/^[A-Za-z0-9_]{1,32}$/),
      },
      { requiredKeys: [] },
    );
    // Plain text without markup: any characters but `<` and `&`.
    const text = fc
      .string({ minLength: 1, maxLength: 120, unit: "grapheme" })
      .map((t) => t.replace(/[<&]/g, " "))
      .filter((t) => t.length > 0);
    fc.assert(
      fc.property(
        fc.constantFrom(...library.map((e) => e.scenario)),
        view,
        text,
        (scenario, v, title) => {
          const s = { ...scenario, title };
          const link = encodeShare({ scenario: s, view: v });
          expect(link).toMatch(/^s=1\.[A-Za-z0-9_-]+$/);
          const r = decodeShare(`https://slabscope.example/#${link}`);
          expect(r).toEqual({
            ok: true,
            version: SHARE_VERSION,
            scenario: s,
            view: v,
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("keeps decoding the frozen version-1 link", () => {
    const r = decodeShare(frozenV1Link);
    expect(r).toEqual({
      ok: true,
      version: 1,
      scenario: twoCpus,
      view: { cursor: 12, embed: true, actor: "consumer" },
    });
  });

  it("freezes the version-1 dictionary (changing it breaks every link)", () => {
    let h = 0;
    for (const b of DICTIONARY_V1) h = (Math.imul(h, 31) + b) | 0;
    expect([DICTIONARY_V1.length, h]).toEqual([1802, 1338661729]);
  });

  it("migrates an old version up to the current one", () => {
    // As if version 2 had renamed the payload's `view` to `show`: the v1 link still decodes.
    const link = encodeShare({ scenario: twoCpus, view: { cursor: 3 } });
    const toV2 = (p: unknown) => {
      const { view, ...rest } = p as { view: unknown };
      return { ...rest, show: view };
    };
    const fromV2 = (p: unknown) => {
      const { show, ...rest } = p as { show: unknown };
      return { ...rest, view: show };
    };
    const r = decodeShare(link, [toV2, fromV2]);
    expect(r.ok && r.view).toEqual({ cursor: 3 });
    expect(r.ok && r.version).toBe(1);
  });

  it("keeps every library scenario's link under 2,000 characters", () => {
    for (const e of library) {
      const url = `https://slabscope.example/#${encodeShare({ scenario: e.scenario, view: { cursor: e.scenario.cursor ?? 0 } })}`;
      expect(url.length, e.id).toBeLessThanOrEqual(2000);
    }
  });

  it("ignores view fields it does not know (a later build may add them)", () => {
    const r = decodeShare(
      linkOf(
        JSON.stringify({
          scenario: twoCpus,
          view: { cursor: 2, compare: true },
        }),
      ),
    );
    expect(r.ok && r.view).toEqual({ cursor: 2 });
  });

  describe("refuses bad links with a message naming what is wrong", () => {
    const cases: [string, string, RegExp][] = [
      ["not a link", "https://example.com/page", /not a slabscope link/],
      ["malformed base64", "#s=1.abc$def", /malformed base64url: character 4/],
      ["cut-short base64", "#s=1.abcde", /malformed base64url.*cut short/],
      ["corrupt deflate", "#s=1.AAAAAAAA", /corrupt compressed data/],
      ["invalid JSON", linkOf("{scenario:"), /not valid JSON/],
      [
        "unknown version",
        "#s=7.AAAA",
        /unknown link version 7: this slabscope reads versions 1 to 1/,
      ],
      ["bad version", "#s=x.AAAA", /version "x" is not a number/],
      [
        "schema: field named",
        linkOf(
          JSON.stringify({
            scenario: { ...twoCpus, cache: { objects: "four" } },
          }),
        ),
        /cache\.objects: expected a number/,
      ],
      [
        "payload key",
        linkOf(JSON.stringify({ scenario: twoCpus, extra: 1 })),
        /extra: unknown key/,
      ],
      [
        "no scenario",
        linkOf(JSON.stringify({ view: {} })),
        /scenario: missing/,
      ],
      [
        "view field",
        linkOf(JSON.stringify({ scenario: twoCpus, view: { cursor: -1 } })),
        /view\.cursor/,
      ],
      [
        "oversize",
        linkOf(
          JSON.stringify({
            scenario: twoCpus,
            pad: "x".repeat(MAX_DECODED_BYTES),
          }),
        ),
        /too large: more than 64 KB once decompressed/,
      ],
      ["too long", `#s=1.${"A".repeat(100_000)}`, /the link is too long/],
      [
        "more than 64 CPUs",
        linkOf(
          JSON.stringify({
            scenario: { ...twoCpus, kernel: { variant: "v5.15", cpus: 65 } },
          }),
        ),
        /kernel\.cpus: must be at most 8/,
      ],
      [
        "more than 10,000 objects",
        linkOf(
          JSON.stringify({
            scenario: {
              ...twoCpus,
              kernel: { variant: "v5.15", cpus: 2, pagePool: 256 },
              cache: { objects: 64 },
            },
          }),
        ),
        /kernel\.pagePool: 256 pages of 64 objects is 16384 objects: at most 10000/,
      ],
      [
        "more than 1,000,000 steps",
        linkOf(
          JSON.stringify({
            scenario: {
              ...twoCpus,
              schedule: { steps: ["producer*1000000", "consumer*5"] },
            },
          }),
        ),
        /schedule\.steps: the entries name 1000005 micro-steps: at most 1000000/,
      ],
      [
        "HTML in narration",
        linkOf(
          JSON.stringify({
            scenario: {
              ...twoCpus,
              narration: [
                { step: 0, text: 'look <img src=x onerror="alert(1)">' },
              ],
            },
          }),
        ),
        /narration\[0\]\.text: must be plain text: it contains HTML markup/,
      ],
      [
        "script in the title",
        linkOf(
          JSON.stringify({
            scenario: { ...twoCpus, title: "<script>alert(1)</script>" },
          }),
        ),
        /title: must be plain text/,
      ],
    ];
    it.each(cases)("%s", (_, link, message) => {
      const r = decodeShare(link);
      expect(r.ok).toBe(false);
      expect(errorsOf(r).join("\n")).toMatch(message);
    });
  });

  it("survives 10,000 random and mutated links: no exception, every refusal explained", () => {
    const valid = library.map((e) =>
      encodeShare({ scenario: e.scenario, view: { cursor: 1 } }),
    );
    const alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=#s%$ ";
    const mutated = fc
      .tuple(
        fc.constantFrom(...valid),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.constantFrom("flip", "cut", "insert", "delete"),
            fc.nat({ max: alphabet.length - 1 }),
          ),
          { minLength: 1, maxLength: 4 },
        ),
      )
      .map(([link, edits]) => {
        let l = link;
        for (const [at, how, c] of edits) {
          const i = at % Math.max(1, l.length);
          const ch = alphabet[c]!;
          if (how === "flip") l = l.slice(0, i) + ch + l.slice(i + 1);
          else if (how === "cut") l = l.slice(0, i);
          else if (how === "insert") l = l.slice(0, i) + ch + l.slice(i);
          else l = l.slice(0, i) + l.slice(i + 1);
        }
        return l;
      });
    const random = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.stringMatching(/^s=[0-9]{1,3}\.[A-Za-z0-9_-]{0,300}$/),
      fc.uint8Array({ maxLength: 300 }).map((b) => `s=1.${toBase64url(b)}`),
      // Valid deflate of random JSON-ish text.
      fc.json({ maxDepth: 3 }).map((j) => linkOf(j)),
    );
    let refused = 0;
    fc.assert(
      fc.property(fc.oneof(mutated, random), (link) => {
        let r: DecodeResult;
        expect(() => (r = decodeShare(link))).not.toThrow();
        if (!r!.ok) {
          refused++;
          expect(r!.errors.length).toBeGreaterThan(0);
          for (const e of r!.errors) expect(e.trim().length).toBeGreaterThan(5);
        }
      }),
      { numRuns: 10_000, seed: 20260101 },
    );
    expect(refused).toBeGreaterThan(5_000);
  });
});
