/**
 * Share-link sizes: the link of every library scenario (on its kernel and on the fixed one),
 * opened at its own cursor, as a whole URL behind a 26-character origin. Budget: 2,000
 * characters, what chat services (Discord) and mail clients take without cutting.
 */
import { library } from "../scenarios/library";
import { encodeShare } from "../share/codec";

export const SHARE_ORIGIN = "https://slabscope.example/";

export interface ShareBench {
  maxUrlChars: number;
  byScenario: { id: string; urlChars: number }[];
}

export function benchShare(): ShareBench {
  const byScenario: ShareBench["byScenario"] = [];
  for (const e of library) {
    const kernels = e.fixed
      ? [e.scenario.kernel, { ...e.scenario.kernel, ...e.fixed }]
      : [e.scenario.kernel];
    kernels.forEach((kernel, i) => {
      const scenario = { ...e.scenario, kernel };
      const link = encodeShare({
        scenario,
        view: { cursor: scenario.cursor ?? 0 },
      });
      byScenario.push({
        id: i === 0 ? e.id : `${e.id} (fixed)`,
        urlChars: `${SHARE_ORIGIN}#${link}`.length,
      });
    });
  }
  return {
    maxUrlChars: Math.max(...byScenario.map((s) => s.urlChars)),
    byScenario,
  };
}
