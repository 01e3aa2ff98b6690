/**
 * The after-step checks compare only the pages, the kmem_cache_cpu, the slots and the actor's
 * holdings a step reached (prims.ts `stepPages`, checkInputs.ts). That is sound only while step
 * code reaches pages through `pageAt` (or `slabPage` and the free-pointer primitives, which call
 * it), a CPU's kmem_cache_cpu through `cpuSlab`, a node through `nodeAt`, a slot it writes through
 * `slotToWrite` and the actor's holdings through the ownership primitives: this test reads the
 * engine's sources and fails on a direct `pages[...]`, `cpuSlab[...]`, `nodes[...]` or
 * `slots[...]` index, a walk of them, or a
 * direct write of an actor's holdings, in step code. Modules that are not step code, or that touch only
 * fields the checks do not read, are listed with the reason.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ENGINE_ROOT, engineSourceFiles as files } from "../cli/engineSources";

const ROOT = ENGINE_ROOT;

/**
 * The lines of code (comments aside) in the engine's modules, but the exempt ones, that match
 * `direct` and none of `allowed`, as `file:line: code`.
 */
function directAccesses(
  exempt: Record<string, string>,
  direct: RegExp,
  allowed: readonly RegExp[] = [],
): string[] {
  const bad: string[] = [];
  for (const f of files(ROOT)) {
    const name = relative(ROOT, f);
    if (exempt[name]) continue;
    readFileSync(f, "utf8")
      .split("\n")
      .forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, "");
        if (/^\s*\*/.test(code)) return;
        if (allowed.some((r) => r.test(code))) return;
        if (direct.test(code)) bad.push(`${name}:${i + 1}: ${line.trim()}`);
      });
  }
  return bad;
}

const EXEMPT: Record<string, string> = {
  "checks.ts": "the checks read the pages after the step",
  "checkInputs.ts": "the record of what the checks read",
  "holders.ts": "the enumeration of holders, read by the checks and the view",
  "cost.ts": "the era comparison reads the pages between steps",
  "machine.ts": "builds the page pool when a machine is loaded",
  "prims.ts": "defines pageAt",
  "locks.ts":
    "reads PG_locked and its owner, and writes them only through prims.ts setOwner, which lists the page",
};

/** An index into the machine's array `field`, or a walk of it that could write an element. */
function indexOrWalk(field: string): string {
  return `\\b${field}\\s*\\[|\\b${field}\\.(forEach|map|find|findLast|some|every|reduce|entries|values)\\b|\\bof\\s+(k\\.)?m\\.${field}\\b`;
}

/** Direct page access: an index into the pool, a walk of it, or the pool taken out of `m`. */
const DIRECT = new RegExp(
  `${indexOrWalk("pages")}|\\bconst\\s*\\{[^}]*\\bpages\\b[^}]*\\}\\s*=\\s*(k\\.)?m\\b`,
);

describe("step code reaches pages through pageAt", () => {
  it("has no direct index into m.pages outside the exempt modules", () => {
    expect(directAccesses(EXEMPT, DIRECT)).toEqual([]);
  });
});

const CPU_SLAB_EXEMPT: Record<string, string> = {
  "checks.ts": "the checks read the CPUs after the step",
  "checkInputs.ts": "the record of what the checks read",
  "holders.ts": "the enumeration of holders, read by the checks and the view",
  "machine.ts": "builds the CPUs when a machine is loaded",
  "prims.ts": "defines cpuSlab",
  "locks.ts":
    "reads and writes only the local_lock's owner, which the checks do not read",
};

/** Direct kmem_cache_cpu access: an index into `m.cpuSlab`, or a walk of it. */
const DIRECT_CPU_SLAB = new RegExp(indexOrWalk("cpuSlab"));

describe("step code reaches a kmem_cache_cpu through cpuSlab", () => {
  it("has no direct index into m.cpuSlab outside the exempt modules", () => {
    expect(directAccesses(CPU_SLAB_EXEMPT, DIRECT_CPU_SLAB)).toEqual([]);
  });
});

const NODES_EXEMPT: Record<string, string> = {
  "checks.ts": "the checks read the nodes after the step",
  "checkInputs.ts": "the record of what the checks read",
  "holders.ts": "the enumeration of holders, read by the checks and the view",
  "machine.ts": "builds the nodes when a machine is loaded",
  "prims.ts": "defines nodeAt (and lists a node whose list_lock changes hands)",
  "locks.ts":
    "reads a list_lock's owner, and writes it only through prims.ts setOwner, which lists the node",
};

/** Direct kmem_cache_node access: an index into `m.nodes`, or a walk of them. */
const DIRECT_NODES = new RegExp(indexOrWalk("nodes"));

/** Reads of the node ids only (fixed when the machine is loaded). */
const NODE_ID_READS = [/\bnodes\.map\(\(n\) => n\.id\)/];

describe("step code reaches a kmem_cache_node through nodeAt", () => {
  it("has no direct index into m.nodes outside the exempt modules", () => {
    expect(directAccesses(NODES_EXEMPT, DIRECT_NODES, NODE_ID_READS)).toEqual(
      [],
    );
  });
});

const SLOTS_EXEMPT: Record<string, string> = {
  "checks.ts": "the checks read the slots after the step",
  "checkInputs.ts": "the record of what the checks read",
  "holders.ts": "the enumeration of holders, read by the checks and the view",
  "machine.ts": "creates the slots when a machine is loaded",
  "slots.ts": "defines slotToWrite and slotToRead",
};

/** Direct slot access: an index into `m.slots`, or a walk of them. */
const DIRECT_SLOTS =
  /\bslots\s*\[|Object\.(values|entries|keys)\(\s*(k\.)?m\.slots\b/;

/** Reads of every slot that write none (a search for a live pointer). */
const SLOT_READS = [/Object\.values\(m\.slots\)\.some\(\(s\) => s\.includes\(/];

describe("step code writes a slot through slotToWrite", () => {
  it("has no direct index into m.slots outside the exempt modules", () => {
    expect(directAccesses(SLOTS_EXEMPT, DIRECT_SLOTS, SLOT_READS)).toEqual([]);
  });
});

const HELD_EXEMPT: Record<string, string> = {
  "prims.ts": "defines the ownership primitives",
  "machine.ts":
    "creates the actors, and finishOp drops what an operation left held",
};

/** A direct write of an actor's holdings. */
const DIRECT_HELD =
  /\.ownsCpuSlab\s*=[^=]|\.owned(Chains|Objects|Slabs)(\s*=[^=]|\.(push|pop|splice|shift|unshift|length\s*=))/;

describe("step code writes an actor's holdings through the ownership primitives", () => {
  it("has no direct write of ownsCpuSlab or the owned lists outside the exempt modules", () => {
    expect(directAccesses(HELD_EXEMPT, DIRECT_HELD)).toEqual([]);
  });
});
