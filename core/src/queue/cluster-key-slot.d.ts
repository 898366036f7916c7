// cluster-key-slot (ioredis' own slot function) ships no types.
declare module "cluster-key-slot" {
  const calculateSlot: ((key: string | Buffer) => number) & { generateMulti(keys: Array<string | Buffer>): number };
  export default calculateSlot;
}
