namespace LlamaJump.Fuzz;

/// <summary>A reader under test: <see cref="Read"/> parses a file's bytes (written to <c>path</c>); a reader may only
/// fail with one of <see cref="Expected"/> — any other exception, or a hang, is a crash.</summary>
public sealed record FuzzTarget(string Name, IReadOnlyList<byte[]> Seeds, Action<string> Read, IReadOnlyList<Type> Expected)
{
    public bool IsExpected(Exception e) => Expected.Any(t => t.IsInstanceOfType(e));
}
