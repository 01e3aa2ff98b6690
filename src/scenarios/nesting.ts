/** The nesting limit of scenario JSON; no imports, so the main thread can check it cheaply. */

/**
 * How deeply arrays and objects may nest in a scenario's JSON (a valid one nests about 6
 * levels). Deeper values are refused before anything walks them recursively: cloning one to the
 * worker, or validating it, would overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The refusal for a value nested deeper than `limit` levels, else null. Iterative, so that any
 * depth can be measured; JSON values have no cycles.
 */
export function nestingError(
  value: unknown,
  limit = MAX_JSON_DEPTH,
): string | null {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (depth + 1 > limit)
      return `the JSON nests more than ${limit} levels deep (a scenario nests about 6)`;
    for (const child of Array.isArray(v) ? v : Object.values(v))
      stack.push([child, depth + 1]);
  }
  return null;
}
