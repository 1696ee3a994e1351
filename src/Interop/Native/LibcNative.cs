using System.Runtime.InteropServices;

namespace LlamaJump.Interop.Native;

// The C library's process environment. .NET keeps its own copy of the environment on Unix, so
// Environment.SetEnvironmentVariable is invisible to native code that calls getenv (libgomp reads its settings when
// it loads); these write the real one.
internal static partial class LibcNative
{
    private const string Name = "libc";

    /// <returns>0, or -1 with errno set</returns>
    [LibraryImport(Name, EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int setenv(string name, string value, int overwrite);
}
