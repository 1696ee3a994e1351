namespace LlamaJump.Gguf;

/// <summary>A file is not a GGUF file this reader accepts. <see cref="Exception.Message"/> is one line,
/// "<c>{FileName}: {Problem}</c>", fit to show a user as it is.</summary>
public sealed class GgufFormatException : Exception
{
    public GgufFormatException(string fileName, string problem)
        : base($"{fileName}: {problem}")
    {
        FileName = fileName;
        Problem = problem;
    }

    /// <summary>The name the file was shown as (its file name, or the display name given to the reader).</summary>
    public string FileName { get; }

    /// <summary>The problem alone, without the file name.</summary>
    public string Problem { get; }
}
