/**
 * The command line, as a function: `main(argv)` returns the exit code and the text for stdout
 * and stderr, so tests call it directly. src/cli/main.ts wires it to the process.
 *
 * Exit codes: 0 success (findings are results, not failures), 2 invalid input (file, JSON,
 * schema, flags), 1 an unexpected internal error.
 */
import {
  closeSync,
  constants as fsConstants,
  existsSync,
  fstatSync,
  openSync,
  readSync,
} from "node:fs";
import {
  runSession,
  start,
  StepRefused,
  totalStats,
  isVariantName,
  VARIANT_NAMES,
  VARIANTS,
  type Finding,
  type FindingCode,
  type RunResult,
  type Scenario,
  type Session,
  type VariantName,
} from "../engine";
import { library, libraryEntry } from "../scenarios/library";
import {
  kernelName,
  onFixedKernel,
  type LibraryEntry,
} from "../scenarios/library/entry";
import { MAX_SCENARIO_BYTES, parseScenario } from "../scenarios/schema";
import { decodeLink, encodeCommand } from "./share";
import { compareEras, type EraComparison } from "../engine/cost";
import { mainlineEras } from "../engine/variants";
import { compareJson, compareText } from "./compare";
import { showFunction, showVariant } from "./show";
import { looksLikeShareLink } from "../share/codec";
import { FINDING_CODES, isFindingCode } from "../explore/codes";
import { prepare, type Prepared } from "../explore/search";
import {
  defaultWorkers,
  exploreHere,
  exploreOutput,
  exploreParallel,
  type SearchOptions,
} from "./explore";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const HELP = `Usage: npm run --silent cli -- <command> [options]

Commands:
  run <scenario>            run the scenario's schedule and print a summary
                            (a <scenario> is a file, a library id or a share link)
  random <scenario>         run seeded random schedules of the scenario
  explore <scenario>        search the interleavings of the scenario's operations (its
                            schedule is ignored) for one that produces a finding
  compare <scenario>        replay the scenario's operations on every mainline era and
                            print what each operation costs there (micro-steps,
                            cmpxchg_double, list_lock, failed trylocks, slabs touched);
                            each actor runs its operations to completion in turn
                            (the scenario's own schedule is not used)
  list                      list the library scenarios (a <scenario> is a file or a library id)
  variants                  list the kernel variants
  show <variant> [function] list a variant's functions, or print one function's steps
                            (index, label, paraphrased line, mm/slub.c line, callees)
  encode <scenario>         print the share-link fragment (s=1....) of a scenario
  decode <link>             print the scenario a share link carries, as JSON
                            (the link's cursor becomes the scenario's "cursor")

Kernel options (run, random), applied over the scenario's kernel:
  --kernel <variant>        replay on another variant (see variants)
  --rt, --no-rt             CONFIG_PREEMPT_RT on or off
  --no-cpu-partial          CONFIG_SLUB_CPU_PARTIAL off
  --fix <name>              apply a later fix (tid-on-deactivation); may be repeated
  --debug-vm                CONFIG_DEBUG_VM on
  --fixed                   a library race: replay on the kernel where it is fixed
                            (list --json gives it as "fixed": { variant, options })

Run options:
  --no-checks               skip the after-step checks of where every object and slab
                            is (what the kernel code itself reports is still found)
  --max-steps <N>           stop after N micro-steps (default 100000)
  --seed <N>                random: the first seed (runs use N, N+1, ...)
  --runs <K>                random: how many runs
  --json                    print one JSON object instead of text
  --variants <a,b,...>      compare: these variants instead of the mainline eras
  --help                    this text

Explore options (explore also takes the kernel options, --no-checks and --max-steps,
which then bounds each schedule; default 20000):
  --bound <K>               at most K preemptions (default 3); bounds 0..K run in turn
  --max-schedules <N>       stop after N schedules
  --workers <W>             worker threads (default: one per core)
  --code <code>             only this finding counts (may be repeated; default: any)

Exit codes: 0 success (findings included), 2 invalid input, 1 internal error.
`;

/** A problem with the input: reported in one line (or several), exit code 2, no stack. */
export class UsageError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
  }
}
const usage = (line: string): UsageError => new UsageError([line]);

const FIXES = ["tid-on-deactivation"];
const MAX_RUNS = 100_000;
/** Seeds are 32-bit (the generator takes `seed >>> 0`). */
const MAX_SEED = 0xffff_ffff;

interface Options {
  command: string;
  file?: string;
  /** show: the function to print. */
  fn?: string;
  kernel?: string;
  rt?: boolean;
  cpuPartial?: boolean;
  debugVm?: boolean;
  fixed: boolean;
  fixes: string[];
  checks: boolean;
  maxSteps?: number;
  seed?: number;
  runs?: number;
  json: boolean;
  bound?: number;
  maxSchedules?: number;
  workers?: number;
  codes: FindingCode[];
  /** compare: the variants to compare (default: the mainline eras). */
  variants?: VariantName[];
}

function parseInteger(
  flag: string,
  text: string,
  min: number,
  max: number,
): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw usage(
      `${flag}: expected a whole number from ${min} to ${max}, got "${text}"`,
    );
  return Number(text);
}

function parseArgs(argv: string[]): Options | "help" {
  if (argv.includes("--help") || argv.includes("-h")) return "help";
  const o: Options = {
    command: "",
    fixed: false,
    fixes: [],
    checks: true,
    json: false,
    codes: [],
  };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // `--flag=value` is the same as `--flag value`.
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw usage(`${flag} needs a value`);
      return v;
    };
    const noValue = () => {
      if (inline !== undefined) throw usage(`${flag} takes no value`);
    };
    switch (flag) {
      case "--kernel":
        o.kernel = value();
        break;
      case "--rt":
      case "--no-rt":
        noValue();
        o.rt = flag === "--rt";
        break;
      case "--no-cpu-partial":
        noValue();
        o.cpuPartial = false;
        break;
      case "--debug-vm":
        noValue();
        o.debugVm = true;
        break;
      case "--fixed":
        noValue();
        o.fixed = true;
        break;
      case "--fix": {
        const fix = value();
        if (!FIXES.includes(fix))
          throw usage(
            `--fix: unknown fix "${fix}" (known: ${FIXES.join(", ")})`,
          );
        if (!o.fixes.includes(fix)) o.fixes.push(fix);
        break;
      }
      case "--no-checks":
        noValue();
        o.checks = false;
        break;
      case "--max-steps":
        o.maxSteps = parseInteger(flag, value(), 1, 100_000_000);
        break;
      case "--seed":
        o.seed = parseInteger(flag, value(), 0, MAX_SEED);
        break;
      case "--runs":
        o.runs = parseInteger(flag, value(), 1, MAX_RUNS);
        break;
      case "--json":
        noValue();
        o.json = true;
        break;
      case "--variants": {
        const names = value()
          .split(",")
          .map((n) => n.trim())
          .filter((n) => n !== "");
        if (names.length === 0) throw usage("--variants: no variant named");
        for (const n of names)
          if (!isVariantName(n))
            throw usage(
              `--variants: unknown variant "${n}" (known: ${VARIANT_NAMES.join(", ")})`,
            );
        o.variants = [...new Set(names as VariantName[])];
        break;
      }
      case "--bound":
        o.bound = parseInteger(flag, value(), 0, 10);
        break;
      case "--max-schedules":
        o.maxSchedules = parseInteger(flag, value(), 1, 1_000_000_000);
        break;
      case "--workers":
        o.workers = parseInteger(flag, value(), 1, 64);
        break;
      case "--code": {
        const code = value();
        if (!isFindingCode(code))
          throw usage(
            `--code: unknown finding code "${code}" (known: ${FINDING_CODES.join(", ")})`,
          );
        if (!o.codes.includes(code)) o.codes.push(code);
        break;
      }
      default:
        if (arg.startsWith("-") && arg !== "-")
          throw usage(`unknown option ${flag} (see --help)`);
        positional.push(arg);
    }
  }
  const [command, ...rest] = positional;
  if (command === undefined)
    throw usage(
      "missing command: run, random, explore, list or variants (see --help)",
    );
  o.command = command;
  const exploreFlags =
    o.bound !== undefined ||
    o.maxSchedules !== undefined ||
    o.workers !== undefined ||
    o.codes.length > 0;
  if (exploreFlags && command !== "explore")
    throw usage(
      `${command}: --bound, --max-schedules, --workers and --code are options of explore`,
    );
  const runFlags =
    o.kernel !== undefined ||
    o.rt !== undefined ||
    o.cpuPartial !== undefined ||
    o.debugVm !== undefined ||
    o.fixed ||
    o.fixes.length > 0 ||
    !o.checks ||
    o.maxSteps !== undefined;
  switch (command) {
    case "list":
    case "variants":
      if (rest.length > 0)
        throw usage(`${command}: unexpected argument "${rest[0]}"`);
      if (runFlags || o.seed !== undefined || o.runs !== undefined)
        throw usage(`${command} takes no options but --json`);
      break;
    case "show":
      if (rest.length === 0)
        throw usage("show: missing the variant (see variants)");
      if (rest.length > 2)
        throw usage(`show: unexpected argument "${rest[2]}"`);
      if (runFlags || o.seed !== undefined || o.runs !== undefined || o.json)
        throw usage("show takes no options");
      if (!isVariantName(rest[0]!))
        throw usage(
          `show: unknown variant "${rest[0]}" (known: ${VARIANT_NAMES.join(", ")})`,
        );
      o.file = rest[0];
      o.fn = rest[1];
      break;
    case "encode":
    case "decode":
      if (rest.length !== 1)
        throw usage(
          rest.length === 0
            ? `${command}: missing the ${command === "encode" ? "scenario file" : "link"}`
            : `${command}: unexpected argument "${rest[1]}"`,
        );
      if (runFlags || o.seed !== undefined || o.runs !== undefined || o.json)
        throw usage(`${command} takes no options`);
      o.file = rest[0];
      break;
    case "run":
    case "random":
      if (rest.length === 0)
        throw usage(`${command}: missing the scenario file`);
      if (rest.length > 1)
        throw usage(`${command}: unexpected argument "${rest[1]}"`);
      o.file = rest[0];
      if (command === "run" && (o.seed !== undefined || o.runs !== undefined))
        throw usage("run: --seed and --runs are options of random");
      if (command === "random" && o.seed === undefined)
        throw usage("random: --seed <N> is required");
      if (command === "random" && o.runs === undefined)
        throw usage("random: --runs <K> is required");
      if (command === "random" && o.seed! + o.runs! - 1 > MAX_SEED)
        throw usage(
          `random: the last seed, --seed + --runs - 1, must be at most ${MAX_SEED}`,
        );
      break;
    case "compare":
      if (rest.length === 0) throw usage("compare: missing the scenario file");
      if (rest.length > 1)
        throw usage(`compare: unexpected argument "${rest[1]}"`);
      if (o.seed !== undefined || o.runs !== undefined)
        throw usage("compare: --seed and --runs are options of random");
      if (o.kernel !== undefined || o.fixed)
        throw usage(
          "compare: it runs every era; name them with --variants, not --kernel or --fixed",
        );
      o.file = rest[0];
      break;
    case "explore":
      if (rest.length === 0) throw usage("explore: missing the scenario file");
      if (rest.length > 1)
        throw usage(`explore: unexpected argument "${rest[1]}"`);
      if (o.seed !== undefined || o.runs !== undefined)
        throw usage("explore: --seed and --runs are options of random");
      o.file = rest[0];
      break;
    default:
      throw usage(
        `unknown command "${command}": expected run, random, explore, compare, list, variants, show, encode or decode (see --help)`,
      );
  }
  if (o.variants !== undefined && command !== "compare")
    throw usage(`${command}: --variants is an option of compare`);
  if (o.kernel !== undefined && !isVariantName(o.kernel))
    throw usage(
      `--kernel: unknown variant "${o.kernel}" (known: ${VARIANT_NAMES.join(", ")})`,
    );
  return o;
}

/**
 * Reads a scenario file: a regular file only (a FIFO, a device such as /dev/zero or a socket is
 * refused before a byte is read: it could block or never end), and at most
 * MAX_SCENARIO_BYTES + 1 bytes whatever its stat says, so nothing can make the CLI grow.
 */
function readScenarioFile(file: string): string {
  const tooLarge = (size: string) =>
    usage(`${file}: too large (${size}; the limit is ${MAX_SCENARIO_BYTES})`);
  let fd: number | null = null;
  try {
    // Non-blocking, so that opening a FIFO with no writer returns instead of waiting.
    fd = openSync(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (st.isDirectory()) throw usage(`${file}: is a directory`);
    if (!st.isFile())
      throw usage(
        `${file}: not a regular file (a pipe, device or socket is not read)`,
      );
    if (st.size > MAX_SCENARIO_BYTES) throw tooLarge(`${st.size} bytes`);
    const buf = Buffer.alloc(MAX_SCENARIO_BYTES + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buf, length, buf.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > MAX_SCENARIO_BYTES)
        throw tooLarge(`more than ${MAX_SCENARIO_BYTES} bytes`);
    }
    return new TextDecoder("utf-8", { fatal: true }).decode(
      buf.subarray(0, length),
    );
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (e instanceof TypeError) throw usage(`${file}: not valid UTF-8 text`);
    const code = (e as { code?: string }).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : code === "EACCES"
            ? "permission denied"
            : `cannot be read (${code ?? (e as Error).message})`;
    throw usage(`${file}: ${why}`);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads, overrides the kernel fields the flags name, then validates the combination. */
function loadScenario(o: Options): Scenario {
  const file = o.file!;
  let raw: unknown;
  const entry = libraryEntry(file);
  if (looksLikeShareLink(file) && !existsSync(file)) {
    raw = decodeLink(file);
  } else if (entry && !existsSync(file)) {
    // A library id: its scenario as data (on its fixed kernel with --fixed), through the same
    // overrides and validation.
    if (o.fixed && !entry.fixed)
      throw usage(
        `--fixed: ${file} is a tour: it has no fixed kernel (list --json: no "fixed")`,
      );
    raw = JSON.parse(
      JSON.stringify(o.fixed ? onFixedKernel(entry) : entry.scenario),
    );
  } else {
    if (o.fixed)
      throw usage(
        "--fixed: only a library id has a fixed kernel (see list); for a file, use --kernel",
      );
    const text = readScenarioFile(file);
    try {
      raw = JSON.parse(text.replace(/^\uFEFF/, ""));
    } catch (e) {
      throw usage(`${file}: not valid JSON: ${(e as Error).message}`);
    }
  }
  if (isObject(raw) && isObject(raw.kernel)) {
    const k = { ...raw.kernel };
    if (o.kernel !== undefined) k.variant = o.kernel;
    if (o.rt !== undefined) k.preemptRt = o.rt;
    if (o.cpuPartial !== undefined) k.cpuPartial = o.cpuPartial;
    if (o.debugVm !== undefined) k.debugVm = o.debugVm;
    if (o.fixes.length > 0)
      k.fixes = [
        ...new Set([...(Array.isArray(k.fixes) ? k.fixes : []), ...o.fixes]),
      ];
    raw = { ...raw, kernel: k };
  }
  const r = parseScenario(raw);
  if (!r.ok) throw new UsageError(r.errors.map((e) => `${file}: ${e}`));
  return r.scenario;
}

/** Runs one session. A scenario whose prepared operations cannot run is the input's fault. */
function runOnce(
  o: Options,
  s: Scenario,
  seed: number | null,
): { result: RunResult; kernel: string } {
  let sess: Session;
  try {
    sess = start(s, { checks: o.checks });
  } catch (e) {
    if (e instanceof StepRefused)
      throw usage(`${o.file}: the scenario cannot run: ${e.message}`);
    throw e;
  }
  const result = runSession(sess, {
    checks: o.checks,
    maxSteps: o.maxSteps,
    seed,
  });
  return { result, kernel: sess.variant.name };
}

// ---- Output ----

/**
 * Characters that would act on a terminal instead of showing: C0 controls (but the line breaks
 * the output itself makes), DEL, C1 controls, and the bidirectional overrides and isolates.
 * Scenario text (titles, actor names, messages that quote them) comes from files and links.
 */
const CONTROL =
  // eslint-disable-next-line no-control-regex -- the point is to find them
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const TERMINAL_UNSAFE =
  /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const hex = (c: string, width: number) =>
  c.charCodeAt(0).toString(16).padStart(width, "0");

/** Text output: each such character written as `\xNN` or `\uNNNN`. */
export function textOutput(text: string): string {
  return text.replace(CONTROL, (c) =>
    c.charCodeAt(0) < 0x100 ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`,
  );
}

/**
 * JSON output: JSON.stringify already escapes C0 controls; the others, which it leaves raw, become
 * `\uNNNN` escapes (they only ever occur inside strings, so the JSON means the same).
 */
function jsonOutput(text: string): string {
  return text.replace(TERMINAL_UNSAFE, (c) => `\\u${hex(c, 4)}`);
}

/** Object keys in code-point order, so the output never depends on the locale. */
function sortedKeys(r: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}

export const findingJson = (f: Finding) => ({
  code: f.code,
  step: f.step,
  actor: f.actor,
  message: f.message,
  slabs: f.slabs,
  objects: f.objects,
});

export const findingLine = (f: Finding) =>
  `step ${f.step}  ${f.code}  ${f.actor ?? "-"}: ${f.message}`;

const STOP: Record<RunResult["stopReason"], string> = {
  done: "done: every actor finished",
  deadlock: "deadlock: nothing can make progress",
  "schedule-ended": "the schedule ended (rest: stop)",
  "step-limit": "the step limit was reached",
  crashed: "an actor crashed",
};

/** Right-aligned columns; the first column left-aligned. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) =>
    Math.max(...rows.map((r) => r[c]!.length)),
  );
  return rows.map((r) =>
    r
      .map((cell, c) =>
        c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!),
      )
      .join("  ")
      .trimEnd(),
  );
}

function runCommand(o: Options): string {
  const s = loadScenario(o);
  const { result: r, kernel } = runOnce(o, s, null);
  const m = r.machine;
  const total = totalStats(m);
  const names = Object.keys(total).sort();
  if (o.json) {
    return `${JSON.stringify({
      scenario: s.title,
      kernel,
      steps: r.steps,
      completed: r.completed,
      stopReason: r.stopReason,
      skippedEntries: r.skippedEntries,
      ...(r.scheduleProblems.length === 0
        ? {}
        : { scheduleProblems: r.scheduleProblems }),
      findings: r.findings.map(findingJson),
      stats: sortedKeys(total),
      statsPerCpu: m.stats.map(sortedKeys),
    })}\n`;
  }
  const out = [
    `scenario  ${s.title}`,
    `kernel    ${kernel}`,
    `steps     ${r.steps}`,
    `stop      ${STOP[r.stopReason]}`,
    `skipped   ${r.skippedEntries} schedule ${r.skippedEntries === 1 ? "entry" : "entries"}`,
    ...r.scheduleProblems.map((p) => `  ${p}`),
    `findings  ${r.findings.length === 0 ? "none" : r.findings.length}`,
    ...r.findings.map((f) => `  ${findingLine(f)}`),
  ];
  if (names.length === 0) out.push("SLUB stats: none");
  else {
    const header = ["SLUB stats", ...m.stats.map((_, c) => `cpu${c}`), "total"];
    const rows = names.map((n) => [
      n,
      ...m.stats.map((st) => String(st[n] ?? 0)),
      String(total[n]),
    ]);
    out.push(
      ...table([header, ...rows]).map((l, i) => (i === 0 ? l : `  ${l}`)),
    );
  }
  return `${out.join("\n")}\n`;
}

/**
 * Exit code 0 when every run ended (findings included); 1 when some run hit an internal error,
 * after the whole batch, with the summary (and `internalErrors`) on stdout all the same.
 */
function randomCommand(o: Options): CliResult {
  const s = loadScenario(o);
  const first = o.seed!;
  const byCode: Record<string, number> = {};
  let failingRuns = 0;
  let firstFailingSeed: number | null = null;
  let firstFinding: Finding | null = null;
  let kernel = "";
  // A run that throws is a bug in slabscope, not a finding: counted per seed, and the batch goes on.
  const internal = {
    count: 0,
    firstSeed: null as number | null,
    message: null as string | null,
  };
  for (let i = 0; i < o.runs!; i++) {
    const seed = first + i;
    let run: ReturnType<typeof runOnce>;
    try {
      run = runOnce(o, s, seed);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      internal.count++;
      if (internal.firstSeed === null) {
        internal.firstSeed = seed;
        internal.message = e instanceof Error ? e.message : String(e);
      }
      continue;
    }
    const { result: r, kernel: k } = run;
    kernel = k;
    for (const f of r.findings) byCode[f.code] = (byCode[f.code] ?? 0) + 1;
    if (r.findings.length === 0) continue;
    failingRuns++;
    if (firstFailingSeed === null) {
      firstFailingSeed = seed;
      firstFinding = r.findings[0]!;
    }
  }
  const code = internal.count > 0 ? 1 : 0;
  const stderr =
    internal.count > 0
      ? `slabscope: ${internal.count} of ${o.runs} runs hit an internal error (a bug in slabscope); first at seed ${internal.firstSeed}: ${internal.message}\n`
      : "";
  if (o.json) {
    const stdout = `${JSON.stringify({
      runs: o.runs,
      failingRuns,
      byCode: sortedKeys(byCode),
      firstFailingSeed,
      firstFinding: firstFinding && findingJson(firstFinding),
      internalErrors: internal,
    })}\n`;
    return { code, stdout, stderr };
  }
  const last = first + o.runs! - 1;
  const out = [
    `scenario  ${s.title}`,
    `kernel    ${kernel || s.kernel.variant}`,
    `runs      ${o.runs} (seeds ${first === last ? first : `${first} to ${last}`})`,
    `failing   ${failingRuns} ${failingRuns === 1 ? "run" : "runs"} with findings`,
  ];
  const codes = Object.keys(byCode).sort();
  if (codes.length > 0) {
    out.push("findings by code");
    out.push(
      ...table(codes.map((c) => [c, String(byCode[c])])).map((l) => `  ${l}`),
    );
  }
  if (firstFailingSeed !== null && firstFinding) {
    out.push(
      `first failing seed ${firstFailingSeed} (again: --seed ${firstFailingSeed} --runs 1)`,
    );
    out.push(`  ${findingLine(firstFinding)}`);
  }
  if (internal.firstSeed !== null)
    out.push(
      `internal  ${internal.count} ${internal.count === 1 ? "run" : "runs"} hit an internal error (a bug in slabscope); first at seed ${internal.firstSeed} (again: --seed ${internal.firstSeed} --runs 1)`,
      `  ${internal.message}`,
    );
  return { code, stdout: `${out.join("\n")}\n`, stderr };
}

/**
 * A kernel as `run` takes it: the variant (`--kernel`) and the options its flags set (`--rt`,
 * `--no-cpu-partial`, `--debug-vm`, `--fix`), every one given.
 */
function kernelJson(k: LibraryEntry["scenario"]["kernel"]) {
  return {
    variant: k.variant,
    options: {
      preemptRt: k.preemptRt ?? false,
      cpuPartial: k.cpuPartial ?? true,
      debugVm: k.debugVm ?? false,
      fixes: k.fixes ?? [],
    },
  };
}

/**
 * The library: `{ id, kind, basis, title, kernel, fixedKernel, variant, options, fixed, expect,
 * expectAt }` for each scenario. `kernel` and `fixedKernel` are names for people ("v5.15 +rt");
 * `variant` + `options` (the scenario's kernel) and `fixed` (`{ variant, options }`, a race's
 * fixed kernel) are what `run --kernel` and its flags take; `run <id> --fixed` replays on `fixed`. `basis` says whether the schedule is the thread's own
 * (`history`), built to show a hazard it describes (`analysis`), or knowledge from outside it
 * (`outside`).
 */
function listCommand(o: Options): string {
  const rows = library.map((e) => {
    const kernel = kernelName(e.scenario.kernel);
    const fixedConfig = e.fixed && { ...e.scenario.kernel, ...e.fixed };
    const fixedKernel = fixedConfig
      ? kernelName(fixedConfig) +
        (e.fixed!.fixes ?? []).map((f) => ` +${f}`).join("")
      : undefined;
    return {
      id: e.id,
      kind: e.kind,
      basis: e.source.basis,
      title: e.scenario.title,
      kernel,
      ...(fixedKernel === undefined ? {} : { fixedKernel }),
      ...kernelJson(e.scenario.kernel),
      ...(fixedConfig ? { fixed: kernelJson(fixedConfig) } : {}),
      expect: [...new Set(e.expect.map((x) => x.code))],
      expectAt: e.expect.map((x) => ({ code: x.code, step: x.step })),
    };
  });
  if (o.json) return `${JSON.stringify(rows)}\n`;
  const width = Math.max(...rows.map((r) => r.id.length));
  return `${rows
    .map((r) => {
      const what = r.fixedKernel
        ? `${r.expect.join(", ")} on ${r.kernel}; none on ${r.fixedKernel}`
        : `tour on ${r.kernel}`;
      const basis = r.basis === "history" ? "" : `; ${r.basis}`;
      return `${r.id.padEnd(width)}  ${r.title}\n${" ".repeat(width)}  (${what}${basis})`;
    })
    .join("\n")}\n`;
}

function showCommand(o: Options): string {
  const name = o.file as VariantName;
  if (o.fn === undefined) return showVariant(name);
  const text = showFunction(name, o.fn);
  if (text === null)
    throw usage(
      `show: ${name} has no function "${o.fn}" (show ${name} lists them)`,
    );
  return text;
}

function variantsCommand(o: Options): string {
  const variants = VARIANT_NAMES.map((name) => {
    const spec = VARIANTS[name];
    return { name, title: spec.title, rtCapable: spec.rtCapable };
  });
  if (o.json) return `${JSON.stringify(variants)}\n`;
  const width = Math.max(...variants.map((v) => v.name.length));
  const line = (v: (typeof variants)[number]) =>
    `${v.name.padEnd(width)}  ${v.title}${v.rtCapable ? " (can be built with PREEMPT_RT)" : ""}`;
  return `${variants.map(line).join("\n")}\n`;
}

/** `compare`: the scenario's operations on every era (see src/engine/cost.ts). */
function compareCommand(o: Options): string {
  const s = loadScenario(o);
  let c: EraComparison;
  try {
    c = compareEras(s, o.variants ?? mainlineEras(), {
      maxSteps: o.maxSteps,
    });
  } catch (e) {
    if (e instanceof StepRefused)
      throw usage(`${o.file}: the scenario cannot run: ${e.message}`);
    throw e;
  }
  return o.json ? compareJson(c) : compareText(c);
}

/** `explore`: the scenario loaded and its initial state prepared once. */
function prepareExplore(o: Options): { s: Scenario; p: Prepared } {
  const s = loadScenario(o);
  try {
    return { s, p: prepare(s, { checks: o.checks }) };
  } catch (e) {
    if (e instanceof StepRefused)
      throw usage(`${o.file}: the scenario cannot run: ${e.message}`);
    throw e;
  }
}

function searchOptions(o: Options): SearchOptions {
  return {
    bound: o.bound ?? 3,
    maxSchedules: o.maxSchedules,
    maxSteps: o.maxSteps ?? 20_000,
    codes: o.codes.length > 0 ? o.codes : null,
    checks: o.checks,
  };
}

function finish(o: Options, out: CliResult): CliResult {
  const json = o.json || o.command === "decode";
  return {
    ...out,
    stdout: json ? jsonOutput(out.stdout) : textOutput(out.stdout),
    stderr: textOutput(out.stderr),
  };
}

function failure(e: unknown): CliResult {
  if (e instanceof UsageError)
    return {
      code: 2,
      stdout: "",
      stderr: textOutput(e.lines.map((l) => `slabscope: ${l}\n`).join("")),
    };
  const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
  return {
    code: 1,
    stdout: "",
    stderr: textOutput(
      `slabscope: internal error (a bug in slabscope): ${detail}\n`,
    ),
  };
}

/**
 * The command line in this thread (`explore` runs its search here, whatever --workers says;
 * `runCli` spreads it over worker threads).
 */
export function main(argv: readonly string[]): CliResult {
  try {
    const o = parseArgs([...argv]);
    if (o === "help") return { code: 0, stdout: HELP, stderr: "" };
    if (o.command === "explore") {
      const { s, p } = prepareExplore(o);
      return finish(
        o,
        exploreOutput(o, s, p, exploreHere(p, searchOptions(o))),
      );
    }
    const out: CliResult =
      o.command === "random"
        ? randomCommand(o)
        : {
            code: 0,
            stderr: "",
            stdout:
              o.command === "encode"
                ? encodeCommand(loadScenario(o))
                : o.command === "decode"
                  ? `${JSON.stringify(decodeLink(o.file!), null, 2)}\n`
                  : o.command === "list"
                    ? listCommand(o)
                    : o.command === "variants"
                      ? variantsCommand(o)
                      : o.command === "show"
                        ? showCommand(o)
                        : o.command === "compare"
                          ? compareCommand(o)
                          : runCommand(o),
          };
    return finish(o, out);
  } catch (e) {
    return failure(e);
  }
}

/** The command line as the process runs it: `explore` on `--workers` threads (default: one per core). */
export async function runCli(argv: readonly string[]): Promise<CliResult> {
  let o: ReturnType<typeof parseArgs>;
  try {
    o = parseArgs([...argv]);
  } catch (e) {
    return failure(e);
  }
  if (o === "help" || o.command !== "explore") return main(argv);
  try {
    const { s, p } = prepareExplore(o);
    const workers = o.workers ?? defaultWorkers();
    const t = await exploreParallel(p, searchOptions(o), workers);
    return finish(o, exploreOutput(o, s, p, t));
  } catch (e) {
    return failure(e);
  }
}
