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
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x3000 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff01 && c <= 0xff60)) em += 1;
    else if (c < 0xdc00 || c > 0xdfff) em += 0.6; // a character outside the planes above counts once, not per half
  }
  return em * size;
}
