/**
 * The {@code runnel} command line: {@link dev.runnel.cli.Runnel} is the entry point; {@code dev}
 * and {@code node} run a node in the foreground, {@code topic}, {@code produce} and {@code
 * consume} are SDK clients, and {@code perf} mounts the load generators of {@code loadtest}.
 * Every failure becomes one {@code error: ...} line on stderr and an exit code (1 server or I/O
 * error, 2 usage or configuration error), see {@link dev.runnel.cli.ErrorReporter}.
 */
package dev.runnel.cli;
