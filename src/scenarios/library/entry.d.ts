import type { FindingCode, Narration, Scenario, ScenarioKernel } from "../../engine";
/**
 * One scenario of the library: a race from the mailing-list threads (shown breaking on the kernel
 * where it happened and gone on the fix) or a tour of a path without a bug.
 */
export interface LibraryEntry {
    /** Stable id, used by the CLI (`run <id>`) and in links. */
    id: string;
    kind: "race" | "tour";
    /** A short summary a student can follow. */
    summary: string;
    source: {
        /** Seed file and line numbers in it, e.g. `002 L3364-3381`. */
        seed: string;
        /** The patch or commit that fixed it, when there is one. */
        fix?: string;
        /**
         * Whether the schedule is the one the thread describes (`history`), an interleaving built
         * to show a hazard the thread describes in words (`analysis`), or knowledge from outside
         * the thread (`outside`).
         */
        basis: "history" | "analysis" | "outside";
    };
    /** The scenario on the kernel where it breaks (for a tour, the kernel it tours). */
    scenario: Scenario;
    /** The fixed kernel: what to change in `scenario.kernel` to replay the same schedule on it. */
    fixed?: Partial<ScenarioKernel>;
    /**
     * On the fixed kernel, whether the schedule still runs and simply finds nothing (`clean`), or
     * the bad interleaving cannot happen at all (`impossible`: some scripted entries are refused,
     * e.g. an IRQ cannot enter an irq-off section).
     */
    fixedOutcome?: "clean" | "impossible";
    /**
     * The narration of the same schedule on the fixed kernel: why it is refused or harmless
     * there. The broken kernel's narration never shows on the fixed kernel.
     */
    fixedNarration?: Narration[];
    /** Goal mode: what the user, choosing who steps, tries to make happen on the broken kernel. */
    goal?: string;
    /** The findings the buggy kernel must produce, in order, with the step of each. */
    expect: {
        code: FindingCode;
        step: number;
    }[];
}
/** The kernel variant named the way `--kernel` takes it. */
export declare function kernelName(k: Pick<ScenarioKernel, "variant" | "preemptRt">): string;
/** A race's scenario on the kernel where it is fixed: the same schedule, another kernel. */
export declare function onFixedKernel(e: LibraryEntry): Scenario;
