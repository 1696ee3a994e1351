using System.Runtime.CompilerServices;

namespace LlamaJump.Tests;

/// <summary>Compiled into every test project (Directory.Build.targets). Gives the test process (and every llamajump
/// process it starts) a cache of its own, so jump files that `train` keeps there never leak between tests, test runs
/// or into the user's cache (`LLAMAJUMP_CACHE`).</summary>
internal static class TestCache
{
#pragma warning disable CA2255 // the test executable is the application: isolate before any test runs
    [ModuleInitializer]
    internal static void Isolate()
    {
        string cache = Directory.CreateTempSubdirectory("llamajump-test-cache-").FullName;
        Environment.SetEnvironmentVariable("LLAMAJUMP_CACHE", cache);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(cache, recursive: true);
            }
            catch (IOException)
            {
            }
        };
    }
#pragma warning restore CA2255
}
