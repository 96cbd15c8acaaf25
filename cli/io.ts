// How every command ends. `process.exit()` right after `process.stdout.write()` drops whatever a
// pipe has not taken yet (64 KiB on Linux), so a command returns its exit code instead, and Node
// ends the process once the writes have drained.

/**
 * Runs a command's `main` and makes its result the exit code, once stdout and stderr have drained.
 * A reader that stops early (`| head`) is not an error: the rest of the output is dropped, nothing
 * is printed, and the exit code is the one the command would have had with every byte read. Any
 * other write error, and an error `main` throws, still fail loudly.
 *
 * @example
 * if (require.main === module) runCommand(main);
 */
export function runCommand(main: () => number | Promise<number>): void {
    for (const stream of [process.stdout, process.stderr]) {
        stream.on("error", (e: NodeJS.ErrnoException) => {
            if (e.code !== "EPIPE") throw e;
        });
    }
    void Promise.resolve()
        .then(main)
        .then((code) => {
            process.exitCode = code;
        });
}
