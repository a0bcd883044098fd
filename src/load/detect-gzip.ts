/** Whether bytes start like gzip data (magic 1f 8b, method 8 = deflate), whatever the file's name says. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08;
}
