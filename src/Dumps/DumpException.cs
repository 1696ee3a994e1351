namespace LlamaJump.Dumps;

/// <summary>Base of every error this library reports about user input — a corpus, a dump directory, shards.
/// <see cref="Exception.Message"/> is one line, fit to print after <c>llamajump: error: </c>.</summary>
public class DumpException : Exception
{
    public DumpException(string message) : base(message) { }

    public DumpException(string message, Exception inner) : base(message, inner) { }
}
