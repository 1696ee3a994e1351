namespace LlamaJump.Tests.Pure.Models;

/// <summary>A fresh directory under the system temp directory, deleted with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"llamajump-test-{Guid.NewGuid():N}");

    /// <summary>Creates (if needed) and returns the directory at <paramref name="relative"/> under the root.</summary>
    public string Dir(string relative) => Directory.CreateDirectory(Path.Combine(Root, relative)).FullName;

    /// <summary>Creates an empty file at <paramref name="relative"/>, with its directory, and returns its full path.</summary>
    public string File(string relative)
    {
        string path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, []);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
