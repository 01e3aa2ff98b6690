/**
 * Share links: a scenario, the step it is shown at and how it is shown, in a URL fragment.
 *
 *   #s=<version>.<base64url(deflate-raw(UTF-8 JSON payload))>
 *
 * The deflate stream of version 1 uses a preset dictionary (dictionary.ts), about a fifth
 * shorter than plain deflate on the library's races.
 *
 * The version comes first and outside the compressed data, so a reader knows how to read the
 * rest before touching it. The payload of version 1 is `{ "scenario": <scenario file>, "view":
 * { "cursor"?, "embed"?, "actor"? } }`: the whole scenario (never a reference to the library,
 * which may change), so a link reproduces its timeline on any later build. View fields are all
 * optional and unknown ones are dropped, so view state can grow without a new version.
 *
 * Every version ever shipped keeps decoding: `MIGRATIONS[v]` turns a version-v payload into a
 * version-(v + 1) one, and a link is migrated step by step up to the current version before it
 * is validated. A link is untrusted input: decoding never throws and every refusal says what is
 * wrong (bad base64url, corrupt deflate data, oversize, bad JSON, unknown version, schema errors
 * with the field named). Pure: no DOM, used by the app, the CLI and the bench.
 */
import { deflateSync, Inflate } from "fflate";
import { z } from "zod";
import type { Scenario } from "../engine";
import { MAX_STEPS, parseScenario } from "../scenarios/schema";
import { fromBase64url, toBase64url } from "./base64url";
import { DICTIONARY_V1 } from "./dictionary";

/** At most this many bytes of JSON once inflated (a deflate bomb stops here). */
export const MAX_DECODED_BYTES = 64 * 1024;
/** A link longer than this cannot inflate to a valid payload (deflate's stored blocks add 5 bytes per 64 KB). */
export const MAX_LINK_CHARS = 90_000;

/** What the viewer shows besides the scenario; every field is optional. */
export interface ShareView {
  /** The step shown. */
  cursor?: number;
  /** Minimal chrome, for slides and iframes. */
  embed?: boolean;
  /** The actor picked in the legend. */
  actor?: string;
}

export interface SharePayload {
  scenario: Scenario;
  view: ShareView;
}

export type DecodeResult =
  | { ok: true; version: number; scenario: Scenario; view: ShareView }
  | { ok: false; errors: string[] };

/**
 * Upgrades of the payload: `MIGRATIONS[v - 1]` turns a version-v payload into version v + 1.
 * Version 1 is the first shipped format, so the table is empty; a version 2 adds its upgrade
 * here and never edits the ones before.
 */
export const MIGRATIONS: readonly ((payload: unknown) => unknown)[] = [];
export const SHARE_VERSION = 1 + MIGRATIONS.length;

const viewSchema = z.object({
  cursor: z.int().min(0).max(MAX_STEPS).optional(),
  embed: z.boolean().optional(),
  actor: z.string().min(1).max(32).optional(),
});

const payloadSchema = z.strictObject({
  scenario: z.unknown(),
  view: viewSchema.optional(),
});

/** The fragment (without `#`) for a scenario and view: `s=1.<data>`. */
export function encodeShare(payload: SharePayload): string {
  const json = JSON.stringify(payload);
  const data = deflateSync(new TextEncoder().encode(json), {
    level: 9,
    dictionary: DICTIONARY_V1,
  });
  return `s=${SHARE_VERSION}.${toBase64url(data)}`;
}

/** Whether `text` (a URL, `#s=...` or `s=...`) is meant as a share link at all. */
export function looksLikeShareLink(text: string): boolean {
  return /(^|#)s=/.test(text.trim());
}

/**
 * Decodes a share link: a whole URL, a fragment with or without `#`. Never throws; a refusal
 * carries at least one message naming what is wrong.
 */
export function decodeShare(
  link: string,
  migrations: readonly ((payload: unknown) => unknown)[] = MIGRATIONS,
): DecodeResult {
  try {
    return decode(link, migrations);
  } catch (e) {
    // Nothing above should throw; if something does, it is still a refusal with a reason.
    return {
      ok: false,
      errors: [
        `the link could not be read: ${e instanceof Error ? e.message : String(e)}`,
      ],
    };
  }
}

const fail = (...errors: string[]): DecodeResult => ({ ok: false, errors });

function decode(
  link: string,
  migrations: readonly ((payload: unknown) => unknown)[],
): DecodeResult {
  const current = 1 + migrations.length;
  if (typeof link !== "string") return fail("the link is not text");
  if (link.length > MAX_LINK_CHARS)
    return fail(
      `the link is too long: ${link.length} characters, at most ${MAX_LINK_CHARS}`,
    );
  const text = link.trim();
  const hash = text.indexOf("#");
  const fragment = hash >= 0 ? text.slice(hash + 1) : text;
  const m = /^s=([^.]*)\.(.*)$/s.exec(fragment);
  if (!m)
    return fail(
      "not a slabscope link: the fragment must be #s=<version>.<data>",
    );
  const versionText = m[1]!;
  if (!/^[1-9]\d{0,5}$/.test(versionText))
    return fail(
      `the link's version ${JSON.stringify(versionText.slice(0, 16))} is not a number`,
    );
  const version = Number(versionText);
  if (version > current)
    return fail(
      `unknown link version ${version}: this slabscope reads versions 1 to ${current}; the link may come from a newer one`,
    );

  const bytes = fromBase64url(m[2]!);
  if (typeof bytes === "string") return fail(bytes);
  const inflated = inflateCapped(bytes, MAX_DECODED_BYTES);
  if (typeof inflated === "string") return fail(inflated);

  let json: string;
  try {
    json = new TextDecoder("utf-8", { fatal: true }).decode(inflated);
  } catch {
    return fail("the link's data is not UTF-8 text");
  }
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch (e) {
    return fail(`the link's data is not valid JSON: ${(e as Error).message}`);
  }

  for (let v = version; v < current; v++) {
    try {
      payload = migrations[v - 1]!(payload);
    } catch (e) {
      return fail(
        `the version ${v} link could not be upgraded: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  const p = payloadSchema.safeParse(payload);
  if (!p.success)
    return fail(
      ...p.error.issues.map((i) => {
        const at = i.path.length > 0 ? i.path.join(".") : "(link payload)";
        if (i.code === "unrecognized_keys")
          return `${i.keys.join(", ")}: unknown key in the link payload`;
        if (i.code === "invalid_type" && i.expected === "nonoptional")
          return `${at}: missing from the link`;
        return `${at}: ${i.message}`;
      }),
    );
  const s = parseScenario(p.data.scenario);
  if (!s.ok) return fail(...s.errors);
  const view: ShareView = {};
  const v = p.data.view ?? {};
  if (v.cursor !== undefined) view.cursor = v.cursor;
  if (v.embed !== undefined) view.embed = v.embed;
  if (v.actor !== undefined) view.actor = v.actor;
  return { ok: true, version, scenario: s.scenario, view };
}

/** Inflates raw DEFLATE data, stopping as soon as the output passes `max` bytes. */
function inflateCapped(data: Uint8Array, max: number): Uint8Array | string {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let done = false;
  let over = false;
  const inflate = new Inflate({ dictionary: DICTIONARY_V1 }, (chunk, final) => {
    size += chunk.length;
    if (size > max) over = true;
    else chunks.push(chunk);
    if (final) done = true;
  });
  // Small input chunks bound what one push can produce (deflate expands at most ~1032 to 1).
  const STEP = 1024;
  try {
    for (let i = 0; i < data.length && !over; i += STEP) {
      const end = Math.min(i + STEP, data.length);
      inflate.push(data.subarray(i, end), end === data.length);
    }
    if (data.length === 0) inflate.push(data, true);
  } catch (e) {
    return `corrupt compressed data: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (over)
    return `the link's data is too large: more than ${max / 1024} KB once decompressed`;
  if (!done)
    return "corrupt compressed data: it ends early (was the link cut short?)";
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
