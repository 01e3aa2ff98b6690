/**
 * Export of what is on screen as an image: the state view region is cloned with every element's
 * computed style written inline, wrapped in an SVG <foreignObject>, and for PNG drawn onto a
 * canvas. It works on any DOM inside the region, so the view can change without this changing.
 */

const XHTML = "http://www.w3.org/1999/xhtml";

/** Copies the computed style of every element of `from` onto the same element of `to`. */
function inlineStyles(from: Element, to: Element): void {
  const cs = getComputedStyle(from);
  const style = (to as HTMLElement).style;
  if (style)
    for (let i = 0; i < cs.length; i++) {
      const p = cs.item(i);
      style.setProperty(p, cs.getPropertyValue(p), cs.getPropertyPriority(p));
    }
  const a = from.children;
  const b = to.children;
  for (let i = 0; i < a.length && i < b.length; i++) inlineStyles(a[i]!, b[i]!);
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
  const clone = el.cloneNode(true) as HTMLElement;
  inlineStyles(el, clone);
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
