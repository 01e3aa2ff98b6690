/**
 * Every feature's panel (engine/feature.ts), keyed by its name: a feature without an entry does
 * not compile. A panel may add a row to each CPU's panel and a section to the state's bottom row;
 * it draws only when its part of the frame is there (the scenario uses the feature).
 */
import type { ReactNode } from "react";
import type { FeatureName } from "../../engine/variants";
import type { Changed, CpuView, Frame } from "../../worker/frame";
import { NolockPanel } from "./nolock";
import { PcaRow } from "./pca";
import { SheavesPanel } from "./sheaves";

export interface FeaturePanel {
  /** A row in each CPU's panel: its label, the CpuView field it shows (for `changed` and the test id). */
  cpu?: {
    title: string;
    field: keyof CpuView;
    render(cpu: CpuView, hl: Set<number>): ReactNode;
  };
  /** A section in the state's bottom row. */
  state?(props: { frame: Frame; changed: Changed; hl: Set<number> }): ReactNode;
}

export const FEATURE_PANELS: Record<FeatureName, FeaturePanel> = {
  percpuArray: {
    cpu: {
      title: "array cache",
      field: "pca",
      render: (c, hl) => c.pca && <PcaRow pca={c.pca} hl={hl} />,
    },
  },
  nolock: {
    state: ({ frame, changed, hl }) =>
      frame.nolock && (
        <NolockPanel
          nolock={frame.nolock}
          cpus={frame.cpus}
          changed={changed.nolock}
          hl={hl}
        />
      ),
  },
  sheaves: {
    state: ({ frame, changed, hl }) =>
      frame.sheaves && (
        <SheavesPanel
          sheaves={frame.sheaves}
          changed={changed.sheaves}
          hl={hl}
        />
      ),
  },
};

/** The panels in a fixed order, with their names. */
export const FEATURE_PANEL_LIST = (
  Object.keys(FEATURE_PANELS) as FeatureName[]
).map((name) => ({ name, ...FEATURE_PANELS[name] }));
