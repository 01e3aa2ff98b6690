/**
 * The CLI's share-link commands: `encode <scenario>` prints the fragment of a link, `decode
 * <link>` the scenario it carries, and `run` takes a link wherever it takes a file.
 */
import type { Scenario } from "../engine";
import { decodeShare, encodeShare } from "../share/codec";
import { UsageError } from "./cli";

/** The scenario a link carries, with the link's cursor as its own; bad links are input errors. */
export function decodeLink(link: string): Scenario {
  const r = decodeShare(link);
  if (!r.ok) throw new UsageError(r.errors.map((e) => `link: ${e}`));
  return r.view.cursor === undefined
    ? r.scenario
    : { ...r.scenario, cursor: r.view.cursor };
}

/** The fragment for a scenario (its own cursor stays in it): `s=1.<data>`. */
export function encodeCommand(s: Scenario): string {
  return `${encodeShare({ scenario: s, view: {} })}\n`;
}
