const SVG_NS = 'http://www.w3.org/2000/svg';

/** Create an SVG element with the given attributes; numbers are written as they are. */
export function svgElement<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Create a root `<svg>` that scales to the width of its container: the drawing is made in a
 * `width` by `height` coordinate box, so the code never measures the layout.
 */
export function svgRoot(className: string, width: number, height: number, title: string): SVGSVGElement {
  const root = svgElement('svg', { class: className, viewBox: `0 0 ${width} ${height}`, role: 'img', preserveAspectRatio: 'xMinYMin meet' });
  root.append(svgElement('title', {}, title));
  return root;
}

/** Return the points of a polyline through `values`, spread evenly over the x range. */
export function polylinePoints(values: number[], x0: number, x1: number, y: (value: number) => number): string {
  const step = values.length > 1 ? (x1 - x0) / (values.length - 1) : 0;
  return values.map((value, index) => `${(x0 + index * step).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
}
