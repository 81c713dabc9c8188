/** The shim's `k6/crypto`: only randomBytes, which the scripts use for trace ids. See state.ts. */
import { randomBytes as nodeRandomBytes } from 'node:crypto';

export function randomBytes(size: number): ArrayBuffer {
  const bytes = nodeRandomBytes(size);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export default { randomBytes };
