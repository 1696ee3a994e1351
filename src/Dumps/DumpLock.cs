namespace LlamaJump.Dumps;

/// <summary>The exclusive lock of a dump directory: <c>dump.lock</c> opened with <see cref="FileShare.None"/>,
/// which .NET implements on Unix with an advisory <c>flock</c>, so it is released by the kernel when the process
/// dies (kill -9 included) and a stale file never blocks. The file is deleted on dispose. (A third process that
/// opened the file just before that deletion could lock the unlinked file; that narrow race is accepted.)</summary>
internal sealed class DumpLock : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _path;

    private DumpLock(FileStream stream, string path)
    {
        _stream = stream;
        _path = path;
    }

    /// <summary>Takes the lock of <paramref name="layout"/>'s directory (which must exist), or throws
    /// <see cref="DumpLockedException"/>.</summary>
    public static DumpLock Acquire(DumpLayout layout)
    {
        try
        {
            return new DumpLock(new FileStream(layout.Lock, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None),
                layout.Lock);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException
                                    && File.Exists(layout.Lock))
        {
            throw new DumpLockedException(layout.Directory, e);
        }
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // Best effort: a leftover dump.lock is harmless (the lock is the flock, not the file).
        }
        _stream.Dispose();
    }
}
