// Text widths as the web view draws them, measured on a canvas (no layout, no element added to the page), so a
// column or a field can be made as wide as what it shows.

/** A function giving the width in CSS pixels of a text in the page's font, `weight` (400 normal, 600 a header) and
 * `size` in pixels. Widths are remembered per text. Without a canvas (never in the web view) it estimates: a
 * full-width character 1 em, any other 0.6 em. */
export function textWidth(weight = 400, size = 14): (text: string) => number {
  const family = getComputedStyle(document.documentElement).fontFamily;
  const context = document.createElement("canvas").getContext("2d");
  if (context) context.font = `${weight} ${size}px ${family}`;
  const known = new Map<string, number>();
  return (text) => {
    let w = known.get(text);
    if (w === undefined) {
      w = context ? context.measureText(text).width : estimate(text, size);
      known.set(text, w);
    }
    return w;
  };
}

/** A width without a canvas: full-width characters (CJK, full-width forms) 1 em, others 0.6 em. */
export function estimate(text: string, size: number): number {
  let em = 0;
  for (const ch of text) em += /[\u3000-\u9fff\uf900-\ufaff\uff01-\uff60]/.test(ch) ? 1 : 0.6;
  return em * size;
}
