namespace LlamaJump.Tests.Pure.Gguf;

/// <summary>The read-only fixtures every checkout has at <c>../shared</c> next to the repository root.</summary>
internal static class SharedFiles
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Path(params string[] parts) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine([RepoRoot, "..", "shared", .. parts]));

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "LlamaJump.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no LlamaJump.sln above {AppContext.BaseDirectory}");
    }
}
