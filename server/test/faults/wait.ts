/** Polls `condition` every 50 ms and throws, naming what was awaited, if it stays false past `timeoutMs`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, awaited: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${awaited}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
