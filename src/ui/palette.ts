/**
 * Colours that stay apart for viewers with the common colour-vision deficiencies: the Okabe-Ito
 * palette for the scenario's actors, greys for the kernel's own contexts. Colour never carries
 * meaning alone: lanes draw each status with its own shape and the legend names every actor.
 */
export const OKABE_ITO = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#CC79A7",
  "#56B4E9",
  "#D55E00",
  "#F0E442",
  "#000000",
] as const;

const GREYS = ["#8c8c8c", "#b0b0b0", "#6b6b6b"] as const;

/** A colour per actor, in actor order: the scenario's first, the kernel's own contexts (kworker, IPI) in greys. */
export function actorPalette(actors: readonly { name: string }[]): string[] {
  let user = 0;
  let system = 0;
  return actors.map((a) =>
    a.name.includes("/")
      ? GREYS[system++ % GREYS.length]!
      : OKABE_ITO[user++ % OKABE_ITO.length]!,
  );
}
