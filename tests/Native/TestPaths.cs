namespace LlamaJump.Tests.Native;

/// <summary>Locations the native tests read: the repo root (holding LlamaJump.sln) and ../shared beside it.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Shared => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string Stories260K => Path.Combine(Shared, "models", "gguf", "stories260K.gguf");

    public static string PatchedLlamaInclude => Path.Combine(RepoRoot, "build", "native", "llama.cpp", "include");

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlamaJump.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no LlamaJump.sln above {AppContext.BaseDirectory}");
    }
}
