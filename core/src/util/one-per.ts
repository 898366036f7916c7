/**
 * `create(owner)` made once per owner object and remembered as long as the owner lives: how a process-wide
 * helper (a per-turn batcher, a store) attaches to the state store or runtime it serves without a field
 * on them.
 */
export function onePer<K extends object, V>(create: (owner: K) => V): (owner: K) => V {
  const made = new WeakMap<K, V>();
  return (owner) => {
    let value = made.get(owner);
    if (value === undefined) {
      value = create(owner);
      made.set(owner, value);
    }
    return value;
  };
}
