namespace LlamaJump.Dumps;

/// <summary>A dump directory's files are missing, malformed or inconsistent with its manifest.</summary>
public sealed class DumpFormatException : DumpException
{
    public DumpFormatException(string message) : base(message) { }

    public DumpFormatException(string message, Exception inner) : base(message, inner) { }
}
