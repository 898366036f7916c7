import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from "yaml";

/**
 * The node at a path of a parsed YAML document, for pointing at a place in the file: the value and its
 * key when it exists, else the nearest enclosing value written in the file (or the key of an entry
 * written without a value, `url:`). Number segments index lists; on a mapping they match keys written
 * as digits.
 */
export function findYamlNode(doc: Document, path: readonly (string | number)[]): { node: Node | undefined; key: Node | undefined } {
  let node: unknown = doc.contents;
  let key: Node | undefined;
  let deepest: Node | undefined = isNodeLike(node) ? node : undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    key = undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      next = pair?.value;
      key = isNodeLike(pair?.key) ? pair.key : undefined;
    } else if (isSeq(node) && typeof segment === "number") {
      next = node.items[segment];
    }
    // `url:` with nothing after it has no value node: point at its key instead.
    if (!isNodeLike(next)) return key ? { node: key, key } : { node: deepest, key: undefined };
    node = next;
    deepest = next;
  }
  return { node: deepest, key };
}

function isNodeLike(value: unknown): value is Node {
  return isScalar(value) || isMap(value) || isSeq(value) || isAlias(value);
}
