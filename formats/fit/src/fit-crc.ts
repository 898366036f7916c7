import { CrcCalculator } from "@garmin/fitsdk";

/*
 * FIT's CRC-16, four bytes at a time. The SDK's CrcCalculator works a nibble at a time (four table lookups
 * per byte), and a file's CRC covers all of it. The CRC is linear: the CRC of any byte sequence follows from
 * the CRC of each single byte, which BY_BYTE takes from the SDK itself, so both compute the same value.
 * BY_BYTE_AFTER[k][b] is byte b's contribution once k more bytes have followed it ("slicing by 4").
 */
const BY_BYTE = Uint16Array.from({ length: 256 }, (_, byte) => CrcCalculator.calculateCRC(Uint8Array.of(byte), 0, 1));
const step = (crc: number, byte: number) => (crc >>> 8) ^ BY_BYTE[(crc ^ byte) & 0xff]!;
const BY_BYTE_AFTER = [BY_BYTE];
for (let k = 1; k < 4; k++) BY_BYTE_AFTER.push(BY_BYTE_AFTER[k - 1]!.map((crc) => step(crc, 0)));
const [T0, T1, T2, T3] = BY_BYTE_AFTER as [Uint16Array, Uint16Array, Uint16Array, Uint16Array];

/** The FIT CRC of `bytes[start..end)`. */
export function fitCrc(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const low = crc ^ bytes[i]! ^ (bytes[i + 1]! << 8);
    crc = T3[low & 0xff]! ^ T2[low >>> 8]! ^ T1[bytes[i + 2]!]! ^ T0[bytes[i + 3]!]!;
  }
  for (; i < end; i++) crc = step(crc, bytes[i]!);
  return crc;
}
