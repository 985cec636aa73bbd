/**
 * The first object key written twice in a JSON text, for the dead letter's reason. Only called once counting has
 * shown that some key repeats (parse.ts), so it favours clarity over speed. Parsers keep one of the values (JSON.parse
 * the last, others the first, lossless-json throws only when the values differ): which one HubSpot meant is unknown,
 * so such an event is never published.
 */
export function repeatedKey(text: string): string | undefined {
  // One set of keys per open object; undefined for an open array.
  const open: (Set<string> | undefined)[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === "{") open.push(new Set());
    else if (char === "[") open.push(undefined);
    else if (char === "}" || char === "]") open.pop();
    else if (char === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      const token = text.slice(start, i + 1);
      let next = i + 1;
      while (next < text.length && " \t\r\n".includes(text[next])) next++;
      const keys = open[open.length - 1];
      if (text[next] === ":" && keys) {
        const key = JSON.parse(token) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
    }
    i++;
  }
  return undefined;
}
