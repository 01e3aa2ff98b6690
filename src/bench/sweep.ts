/**
 * A long sweep of the robustness property by hand (the unit test runs a CI-sized share):
 *
 *   npm run --silent sweep -- [first seed] [runs] [max steps]
 *
 * `runs` counts runs executed: seeds go on until that many scenarios were valid and ran (a
 * skipped seed does not count). Each seed builds a scenario on a variant (the variants in turn):
 * `anyScenario(seed)`, a calm one, or a library scenario moved to that variant; checks it
 * against the scenario schema (a library scenario that needs another kernel is skipped as
 * invalid), and runs it under the random schedule of the same seed. Prints the
 * runs per variant, the findings by code, refused scenarios, and every internal error (by
 * message, with its first seed); exits 1 when there was one.
 */
import type { Scenario } from "../engine";
import { library } from "../scenarios/library";
import type { LibraryEntry } from "../scenarios/library/entry";
import { parseScenario } from "../scenarios/schema";
import { VARIANT_NAMES, VARIANTS, type VariantName } from "../engine/variants";
import { StepRefused } from "../engine/machine";
import { runSession, start } from "../engine/run";
import { anyScenario } from "../engine/test/anyScenario";

const [first = 1, runs = 10_000, maxSteps = 5_000] = process.argv
  .slice(2)
  .map(Number);
const names = VARIANT_NAMES;

/** A library scenario moved to another variant (PREEMPT_RT on or off by the seed, where it builds). */
function onVariant(
  e: LibraryEntry,
  variant: VariantName,
  seed: number,
): Scenario {
  const k = { ...e.scenario.kernel, variant };
  if (VARIANTS[variant].rtCapable) k.preemptRt = seed % 4 < 2;
  else delete k.preemptRt;
  return { ...e.scenario, kernel: k };
}
const perVariant: Record<string, number> = {};
const byCode: Record<string, number> = {};
const errors = new Map<string, { count: number; seed: number }>();
let invalid = 0;
let refused = 0;
let withFindings = 0;
let ran = 0;
let seed = first;
const t0 = performance.now();
for (; ran < runs; seed++) {
  const variant = names[seed % names.length]!;
  // A third of the seeds draw any scenario, a third a calm one (whose runs go deeper), a third
  // replay a library scenario on the variant (where it applies).
  const mode = seed % 3;
  const s =
    mode === 2
      ? onVariant(
          library[Math.floor(seed / 3) % library.length]!,
          variant,
          seed,
        )
      : anyScenario(seed, variant, mode === 1);
  const parsed = parseScenario(s);
  if (!parsed.ok) {
    invalid++;
    if (invalid <= 3 && mode !== 2)
      console.log(`seed ${seed} invalid:`, parsed.errors);
    continue;
  }
  perVariant[variant] = (perVariant[variant] ?? 0) + 1;
  ran++;
  try {
    const r = runSession(start(parsed.scenario), { seed, maxSteps });
    if (r.findings.length > 0) withFindings++;
    for (const f of r.findings) byCode[f.code] = (byCode[f.code] ?? 0) + 1;
  } catch (e) {
    if (e instanceof StepRefused) {
      refused++;
      continue;
    }
    const msg = e instanceof Error ? e.message : String(e);
    const key = `${variant}: ${msg}`;
    const seen = errors.get(key);
    if (seen) seen.count++;
    else {
      errors.set(key, { count: 1, seed });
      console.log(`seed ${seed} ${key}`);
      if (e instanceof Error)
        console.log(e.stack?.split("\n").slice(1, 5).join("\n"));
    }
  }
}
const internal = [...errors.values()].reduce((n, e) => n + e.count, 0);
console.log(
  JSON.stringify(
    {
      seeds: `${first}..${seed - 1}`,
      ran,
      invalid,
      refused,
      withFindings,
      internalErrors: internal,
      perVariant,
      byCode,
      errors: Object.fromEntries(errors),
      seconds: Math.round((performance.now() - t0) / 1000),
    },
    null,
    1,
  ),
);
process.exitCode = internal > 0 ? 1 : 0;
