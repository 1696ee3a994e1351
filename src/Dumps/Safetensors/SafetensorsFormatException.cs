namespace LlamaJump.Dumps.Safetensors;

/// <summary>A file is not a safetensors file this reader accepts. <see cref="Exception.Message"/> is one line,
/// "<c>{FileName}: {Problem}</c>", fit to show a user as it is.</summary>
public sealed class SafetensorsFormatException : Exception
{
    public SafetensorsFormatException(string fileName, string problem)
        : base($"{fileName}: {problem}")
    {
        FileName = fileName;
        Problem = problem;
    }

    /// <summary>The file name (without directories) the problem was found in.</summary>
    public string FileName { get; }

    /// <summary>The problem alone, without the file name.</summary>
    public string Problem { get; }
}
