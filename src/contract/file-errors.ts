// What the user can fix about a file, by errno code: a path they typed is wrong, or the disk or its permissions say no.
const reasons: Record<string, string> = {
  ENOENT: 'no such directory',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'it is a directory; give a file name',
  EEXIST: 'a file is in the way of a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
};

/** Why writing a file failed, in words, when the error is the file's (its path, its disk); undefined for anything else (a bug). */
export function fileErrorReason(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? reasons[code] : undefined;
}
