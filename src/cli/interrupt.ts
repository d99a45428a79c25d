/**
 * Ctrl-C for long commands (reproduce, sweep): the first press aborts cleanly through an
 * AbortController (finished runs are kept), a second one exits at once.
 */
export function onInterrupt(controller: AbortController, what: string): () => void {
  let presses = 0;
  const onSigint = () => {
    presses++;
    if (presses === 1) {
      process.stderr.write(`\nincidental: ${what} (press Ctrl-C again to quit at once)\n`);
      controller.abort();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  return () => process.removeListener('SIGINT', onSigint);
}
