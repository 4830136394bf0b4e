// Where a graph too large to show whole at a readable size opens: a view (at the zoom already chosen)
// that holds the output and as many values as it can, the output with what made it rather than the
// output alone in empty space; when no such view holds MIN_SHOWN values (a phone), the busiest part of
// the picture, its structure readable rather than a corner.

const MIN_SHOWN = 4; // values a first view shows, at least, when it can
const FRACTIONS = [0.15, 0.3, 0.5, 0.7, 0.85]; // where the output may sit across and down the view

const middle = (b) => [b.x + b.width / 2, b.y + b.height / 2];

// `output`: its box; `boxes`: every drawn value and collapsed box; `span`: the view's size; all in picture
// units. `clamp(center)` keeps a view inside the picture. Returns [center, whether it holds the output].
export function busiestView(output, boxes, [spanX, spanY], clamp) {
  const unique = [...new Map(boxes.map((b) => [`${b.x} ${b.y}`, b])).values()]; // a box once, not once per value
  const score = (center) => {
    const [left, top] = [center[0] - spanX / 2, center[1] - spanY / 2];
    const inside = (b) => b.x >= left && b.y >= top && b.x + b.width <= left + spanX && b.y + b.height <= top + spanY;
    return [inside(output), unique.filter(inside).length];
  };
  let best = clamp(middle(output));
  let most = -1;
  const [cx, cy] = middle(output);
  for (const fx of FRACTIONS) {
    for (const fy of FRACTIONS) {
      const center = clamp([cx + (0.5 - fx) * spanX, cy + (0.5 - fy) * spanY]);
      const [holds, count] = score(center);
      if (holds && count > most) [best, most] = [center, count];
    }
  }
  if (most >= MIN_SHOWN) return [best, true];
  for (const other of unique) {
    const center = clamp(middle(other));
    const [, count] = score(center);
    if (count > most) [best, most] = [center, count];
  }
  return [best, score(best)[0]];
}
