import { z } from 'zod';

/**
 * What a CLI sends to the server that holds its data directory (`POST /internal/v1/cli`): its command, its
 * working directory, the settings it would have run with (unvalidated: they only serve to say where the
 * server's differ), and whether its stdout and stderr are terminals, so the command draws what it would here.
 */
export const CliCommand = z.object({
  argv: z.array(z.string()),
  cwd: z.string(),
  config: z.unknown().optional(),
  tty: z.object({ out: z.boolean(), err: z.boolean() }).optional(),
});
export type CliCommand = z.infer<typeof CliCommand>;

/**
 * One line of the bridge's NDJSON answer: output of the command as it is produced, then its exit code, always
 * last. An answer that ends without the exit line was cut off while the command ran.
 */
export const CliFrame = z.union([
  z.object({ out: z.string() }).strict(),
  z.object({ err: z.string() }).strict(),
  z.object({ exit: z.number().int() }).strict(),
]);
export type CliFrame = z.infer<typeof CliFrame>;
