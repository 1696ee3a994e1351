namespace LlamaJump.Dumps;

/// <summary>Another writer (another process, or another <see cref="DumpWriter"/> in this one) holds the dump
/// directory's <c>dump.lock</c>.</summary>
public sealed class DumpLockedException(string directory, Exception inner)
    : DumpException($"{directory} is being written by another llamajump process (it holds {DumpLayout.LockFile}); wait for it or choose another --out", inner);
