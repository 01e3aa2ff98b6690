/**
 * Export of what is on screen as an image: the state view region is cloned, each element given
 * inline only the computed styles that differ from what it would get anyway (its tag's default,
 * or what it inherits from its parent), each canvas replaced by a PNG image of its pixels (a
 * cloned canvas is blank), and the result wrapped in an SVG <foreignObject>; for PNG it is drawn
 * onto a canvas. It works on any DOM inside the region, so the view can change without this
 * changing.
 */

import { drawPending } from "../state/lazyDraw";

const XHTML = "http://www.w3.org/1999/xhtml";

/** Properties an element inherits from its parent (the ones a view's styles commonly set). */
const INHERITED = new Set([
  "color",
  "cursor",
  "direction",
  "font-family",
  "font-feature-settings",
  "font-kerning",
  "font-optical-sizing",
  "font-size",
  "font-size-adjust",
  "font-stretch",
  "font-style",
  "font-variant",
  "font-variant-caps",
  "font-variant-east-asian",
  "font-variant-ligatures",
  "font-variant-numeric",
  "font-variation-settings",
  "font-weight",
  "hyphens",
  "letter-spacing",
  "line-height",
  "list-style-image",
  "list-style-position",
  "list-style-type",
  "orphans",
  "quotes",
  "tab-size",
  "text-align",
  "text-anchor",
  "text-indent",
  "text-rendering",
  "text-shadow",
  "text-transform",
  "visibility",
  "white-space",
  "white-space-collapse",
  "widows",
  "word-break",
  "word-spacing",
  "overflow-wrap",
  "writing-mode",
  "fill",
  "fill-opacity",
  "fill-rule",
  "stroke",
  "stroke-dasharray",
  "stroke-dashoffset",
  "stroke-linecap",
  "stroke-linejoin",
  "stroke-opacity",
  "stroke-width",
  "paint-order",
  "border-collapse",
  "border-spacing",
  "caption-side",
  "empty-cells",
  "-webkit-text-fill-color",
  "-webkit-text-stroke-color",
  "-webkit-text-stroke-width",
  "-webkit-border-horizontal-spacing",
  "-webkit-border-vertical-spacing",
]);

/**
 * Properties a still image never needs: motion, interaction, logical twins of physical ones, and
 * custom properties (computed values already have every var() resolved).
 */
function irrelevant(p: string): boolean {
  return (
    p.startsWith("--") ||
    /^(transition|animation|view-transition|scroll-|overscroll|touch-action|pointer-events|user-select|-webkit-user-select|will-change|caret-color|cursor|content-visibility|contain-intrinsic)/.test(
      p,
    ) ||
    /-(block|inline)(-|$)/.test(p) ||
    /^(inline-size|block-size|inset-|min-inline|max-inline|min-block|max-block)/.test(
      p,
    )
  );
}

/** A property's value, for style diffs. */
export type StyleValues = Map<string, string>;

/**
 * The declarations to write inline on an element so it looks as `own` says: a property goes in
 * unless the element would get that value anyway: an inherited property when the parent has the
 * same value (the parent's is then right too; for the root, the bare page's), any other property
 * when it is the tag's default. Motion, interaction and logical twins of physical properties are
 * never written.
 */
export function styleDiff(
  own: StyleValues,
  tagDefault: StyleValues,
  parent: StyleValues | null,
  transformed: boolean,
): string {
  const out: string[] = [];
  for (const [p, v] of own) {
    if (irrelevant(p)) continue;
    if (
      !transformed &&
      (p === "transform-origin" || p === "perspective-origin")
    )
      continue;
    if (INHERITED.has(p)) {
      if (parent ? parent.get(p) === v : tagDefault.get(p) === v) continue;
    } else if (tagDefault.get(p) === v) continue;
    out.push(`${p}:${v}`);
  }
  return out.join(";");
}

function valuesOf(cs: CSSStyleDeclaration): StyleValues {
  const m: StyleValues = new Map();
  for (let i = 0; i < cs.length; i++) {
    const p = cs.item(i);
    m.set(p, cs.getPropertyValue(p));
  }
  return m;
}

/** Each tag's default computed style, from a bare document with no page stylesheet. */
class Defaults {
  private readonly frame: HTMLIFrameElement;
  private readonly cache = new Map<string, StyleValues>();
  constructor() {
    this.frame = document.createElement("iframe");
    this.frame.setAttribute("aria-hidden", "true");
    this.frame.style.cssText =
      "position:fixed;left:-10000px;top:0;width:100px;height:100px;visibility:hidden;border:0";
    document.body.append(this.frame);
  }
  of(el: Element): StyleValues {
    const key = `${el.namespaceURI}|${el.localName}`;
    let v = this.cache.get(key);
    if (v) return v;
    const doc = this.frame.contentDocument!;
    const probe = doc.createElementNS(el.namespaceURI ?? XHTML, el.localName);
    const host =
      el.namespaceURI === XHTML
        ? doc.body
        : doc.body.appendChild(
            doc.createElementNS("http://www.w3.org/2000/svg", "svg"),
          );
    host.append(probe);
    v = valuesOf(this.frame.contentWindow!.getComputedStyle(probe));
    if (host === doc.body) probe.remove();
    else host.remove();
    this.cache.set(key, v);
    return v;
  }
  dispose(): void {
    this.frame.remove();
  }
}

/**
 * Writes onto each element of `to` (a clone of `from`) the styles it needs, and puts an image of
 * each canvas's pixels in place of its blank clone.
 */
function inlineStyles(
  from: Element,
  to: Element,
  parent: StyleValues | null,
  defaults: Defaults,
): void {
  const own = valuesOf(getComputedStyle(from));
  const css = styleDiff(
    own,
    defaults.of(from),
    parent,
    own.get("transform") !== "none",
  );
  let target = to;
  if (from instanceof HTMLCanvasElement && from.width > 0 && from.height > 0) {
    const img = document.createElementNS(XHTML, "img") as HTMLImageElement;
    for (const a of Array.from(to.attributes))
      if (a.name !== "width" && a.name !== "height" && a.name !== "style")
        img.setAttribute(a.name, a.value);
    img.setAttribute("src", from.toDataURL("image/png"));
    const box = from.getBoundingClientRect();
    img.setAttribute("width", String(Math.round(box.width)));
    img.setAttribute("height", String(Math.round(box.height)));
    to.replaceWith(img);
    target = img;
  }
  // Through CSSOM, not setAttribute: the page's Content-Security-Policy (style-src 'self')
  // refuses style attributes written as markup, but not styles set through the style object.
  target.removeAttribute("style");
  if (css) (target as HTMLElement).style.cssText = css;
  const a = from.children;
  const b = Array.from(target.children);
  for (let i = 0; i < a.length && i < b.length; i++)
    inlineStyles(a[i]!, b[i]!, own, defaults);
}

export interface SvgImage {
  svg: string;
  width: number;
  height: number;
}

/** The element as a standalone SVG document (text stays text: it is serialised, never parsed as HTML). */
export function elementToSvg(el: HTMLElement): SvgImage {
  const rect = el.getBoundingClientRect();
  const width = Math.max(1, Math.ceil(rect.width));
  const height = Math.max(1, Math.ceil(rect.height));
  // Slab cards off screen may not have drawn the current step yet.
  drawPending();
  const clone = el.cloneNode(true) as HTMLElement;
  const defaults = new Defaults();
  try {
    // The root gets everything that differs from a bare page, inherited values included.
    inlineStyles(el, clone, null, defaults);
  } finally {
    defaults.dispose();
  }
  clone.setAttribute("xmlns", XHTML);
  clone.style.margin = "0";
  if (
    !clone.style.backgroundColor ||
    clone.style.backgroundColor === "rgba(0, 0, 0, 0)"
  )
    clone.style.backgroundColor = "#ffffff";
  const body = new XMLSerializer().serializeToString(clone);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><foreignObject x="0" y="0" width="${width}" height="${height}">${body}</foreignObject></svg>`;
  return { svg, width, height };
}

/** The SVG drawn onto a canvas at the screen's pixel ratio, as a PNG. */
export async function svgToPng(image: SvgImage): Promise<Blob> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(image.svg)}`;
  await img.decode();
  const scale = Math.min(2, Math.max(1, window.devicePixelRatio || 1));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(image.width * scale);
  canvas.height = Math.round(image.height * scale);
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("this browser gives no 2D canvas");
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error("the canvas gave no PNG"))),
      "image/png",
    ),
  );
}

/** Saves `data` as a file through the browser's download. */
export function download(name: string, data: Blob): void {
  const url = URL.createObjectURL(data);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from a scenario title: letters, digits and dashes. */
export function fileNameOf(title: string, ext: string): string {
  const base =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 60) || "scenario";
  return `${base}.${ext}`;
}
