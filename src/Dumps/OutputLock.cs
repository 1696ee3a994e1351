namespace LlamaJump.Dumps;

/// <summary>The exclusive lock of an output (a dump directory, a jump file, a results directory): a lock file opened
/// with <see cref="FileShare.None"/>, which .NET implements on Unix with an advisory <c>flock</c>, so it is released by
/// the kernel when the process dies (kill -9 included) and a stale file never blocks. The file is deleted on dispose.
/// (A third process that opened the file just before that deletion could lock the unlinked file; that narrow race is
/// accepted.)</summary>
public sealed class OutputLock : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _path;

    private OutputLock(FileStream stream, string path)
    {
        _stream = stream;
        _path = path;
    }

    /// <summary>Takes the lock at <paramref name="lockPath"/> (its directory must exist), or throws what
    /// <paramref name="locked"/> makes of the sharing violation.</summary>
    public static OutputLock Acquire(string lockPath, Func<IOException, Exception> locked)
    {
        try
        {
            return new OutputLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None), lockPath);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && File.Exists(lockPath))
        {
            throw locked(e);
        }
    }

    /// <summary>The lock of a dump directory (<see cref="DumpLayout.LockFile"/>), or <see cref="DumpLockedException"/>.</summary>
    internal static OutputLock Acquire(DumpLayout layout) =>
        Acquire(layout.Lock, e => new DumpLockedException(layout.Directory, e));

    /// <summary>The lock of another output, <c>&lt;output&gt;.lock</c> beside it, or <see cref="OutputLockedException"/>.</summary>
    public static OutputLock ForOutput(string output)
    {
        string full = Path.GetFullPath(Path.TrimEndingDirectorySeparator(output));
        string lockPath = full + ".lock";
        return Acquire(lockPath, e => new OutputLockedException(output, Path.GetFileName(lockPath), e));
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // Best effort: a leftover lock file is harmless (the lock is the flock, not the file).
        }
        _stream.Dispose();
    }
}

/// <summary>Another llamajump process holds the lock of an output (<see cref="OutputLock.ForOutput"/>).</summary>
public sealed class OutputLockedException(string output, string lockFile, Exception inner)
    : DumpException($"{output} is being written by another llamajump process (it holds {lockFile}); wait for it or choose another --out", inner);
